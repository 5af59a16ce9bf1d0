// Generated from src-tauri/src/dto.rs by ts-rs: do not edit.
// Regenerate: UPDATE_BINDINGS=1 cargo test -p kedai-desktop bindings

export type AppError = { kind: string, message: string, };

export type InboxQuery = { 
/**
 * `all`, `assigned` or `unassigned`.
 */
tab: string, 
/**
 * `all`, `overdue`, `due_soon`, `unreplied`, `unread`, `starred`, `closed`.
 */
filter: string, shop: string | null, platform: string | null, agent: string | null, 
/**
 * `pre_purchase`, `logistics`, `aftersales`.
 */
category: string | null, priority: boolean, search: string | null, offset: number, limit: number, };

export type Row = { shop: string, shop_name: string | null, platform: string, conversation: string, buyer: string, buyer_name: string | null, opened_at: number | null, deadline: number | null, due_soon_at: number | null, policy: string | null, weekend_moved: boolean, overdue: boolean, due_soon: boolean, unreplied: boolean, unread: boolean, starred: boolean, closed: boolean, last_message_at: number | null, preview_from: string | null, preview_kind: string | null, preview: string | null, agent: string | null, category: string | null, priority: boolean, };

export type Count = { filter: string, count: number, };

export type InboxPage = { now: number, offset: number, total: number, rows: Array<Row>, counts: Array<Count>, };

export type Message = { id: string, at: number, from: string, kind: string, text: string | null, agent: string | null, };

export type Excluded = { reason: string, count: number, };

export type FigureView = { id: string, value: number | null, numerator: number, denominator: number, pending: number, excluded: Array<Excluded>, 
/**
 * `not_rated`, `good`, `warning`, `bad`, `no_target`.
 */
status: string, 
/**
 * `rate`, `seconds`, `count`.
 */
unit: string, target: number | null, penalty_risk: boolean | null, automation_counts_as_reply: boolean | null, };

export type ShopHeader = { shop: string, name: string | null, platform: string, region: string, figures: Array<FigureView>, };

export type Header = { now: number, shops: Array<ShopHeader>, };

export type AgentView = { id: string, name: string, 
/**
 * `online`, `away`, `do_not_accept`.
 */
status: string, capacity: number, auto_assign: boolean, is_me: boolean, open_chats: number, };

export type ShopSync = { shop: string, name: string | null, platform: string, last_success: number | null, last_error: string | null, needs_reconnect: boolean, };

export type NotifySettings = { paused: boolean, 
/**
 * Do-not-disturb from `dnd_from` to `dnd_to`, local `HH:MM`; both empty: off.
 */
dnd_from: string, dnd_to: string, };

export type NotifyStatus = { settings: NotifySettings, 
/**
 * `unknown` until the first notification, then `ok` or `unavailable`.
 */
service: string, detail: string | null, sent: number, };

export type ShopInfo = { shop: string, name: string | null, platform: string, region: string, };

export type AppInfo = { demo: boolean, now: number, 
/**
 * App seconds per wall second (the demo's accelerated clock).
 */
speed: number, shops: Array<ShopInfo>, me: string, sync: string, 
/**
 * `KEDAI_BENCH`: the UI times its filter switches and reports them.
 */
bench: boolean, };

export type Changed = { seq: number, now: number, 
/**
 * Shops with a written change (empty when only deadlines passed).
 */
shops: Array<string>, crossings: number, };

export type OpenChat = { shop: string, conversation: string, };
