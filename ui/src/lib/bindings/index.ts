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
category: string | null, priority: boolean, search: string | null, offset: number, limit: number, 
/**
 * Whether to count every filter of the scope too (with `total`). The UI asks once per
 * refresh, not for each page it scrolls to: a scoped count is a pass over the scope.
 */
counts: boolean, };

export type Row = { shop: string, shop_name: string | null, platform: string, conversation: string, buyer: string, buyer_name: string | null, 
/**
 * The buyer's avatar (`https:` only); the initials stand in when absent or not loaded.
 */
buyer_avatar: string | null, opened_at: number | null, deadline: number | null, due_soon_at: number | null, policy: string | null, weekend_moved: boolean, overdue: boolean, due_soon: boolean, unreplied: boolean, unread: boolean, starred: boolean, closed: boolean, last_message_at: number | null, preview_from: string | null, preview_kind: string | null, preview: string | null, agent: string | null, category: string | null, priority: boolean, };

export type Count = { filter: string, count: number, };

export type InboxPage = { now: number, offset: number, total: number | null, rows: Array<Row>, counts: Array<Count>, };

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

export type HoursSpan = { 
/**
 * `mon` … `sun`.
 */
day: string, open: string, close: string, };

export type LeadView = { policy: string, minutes: number, default_minutes: number, };

export type ShopSettingsView = { shop: string, name: string | null, platform: string, region: string, tz: string, 
/**
 * Holiday mode is on now, and since when.
 */
holiday_mode: boolean, holiday_since: number | null, 
/**
 * Weekend coverage is on now (it moves deadlines on TikTok Shop only, §4).
 */
weekend_coverage: boolean, 
/**
 * The operating hours in force now; empty when none were declared.
 */
hours: Array<HoursSpan>, leads: Array<LeadView>, automation_counts_as_reply: boolean, 
/**
 * Secret names stored for the shop (never their values).
 */
secrets: Array<string>, };

export type SettingsInfo = { demo: boolean, 
/**
 * The SQLite file the app reads and writes.
 */
data_file: string, 
/**
 * Where shop secrets are kept (the OS keyring, or its documented file fallback).
 */
secrets_store: string, shops: Array<ShopSettingsView>, };

export type RuleView = { id: string, name: string, priority: number, enabled: boolean, 
/**
 * Empty: every shop.
 */
shops: Array<string>, 
/**
 * `first_message`, `any_message`, `keywords`, `intent`, `kind`.
 */
trigger: string, keywords: Array<string>, 
/**
 * With `intent`: `pre_purchase`, `logistics`, `aftersales`.
 */
intent: string | null, 
/**
 * With `kind`: message kinds (`image`, `order_card`, …).
 */
kinds: Array<string>, 
/**
 * `always`, `weekends`, `outside_hours`, `holiday_mode`.
 */
schedule: string, reply: string, 
/**
 * `bot` or `auto`.
 */
sender: string, };

export type EffectView = { platform: string, counts_as_reply: boolean, resolves_unless_buyer_writes_again: boolean, weekend_coverage: boolean, note: string, };

export type RuleTestView = { rule: string | null, 
/**
 * Why none fired: `not_a_buyer_message`, `already_answered`, `no_rule_matched`.
 */
no_fire: string | null, reply: string | null, sender: string | null, effect: EffectView, deadline: number | null, policy: string | null, weekend_moved: boolean, excluded: string | null, if_nothing_more: string, if_buyer_writes_again: string, };

export type TemplateView = { id: string, title: string, text: string, };

export type WordView = { intent: string, lang: string, weight: number, phrase: string, removed: boolean, };

export type WordLists = { edits: Array<WordView>, 
/**
 * Intents the shop has turned off.
 */
disabled: Array<string>, };

export type GuardLevel = { rule: string, explain: string, block: boolean, };

export type PointView = { 
/**
 * The bucket's first local day, `YYYY-MM-DD`.
 */
date: string, from: number, 
/**
 * The figures' instant: the bucket's end, or now.
 */
at: number, figures: Array<FigureView>, opened: number, in_time: number, late: number, missed: number, excluded: number, pending: number, };

export type MissView = { conversation: string, buyer: string, opened_at: number, deadline: number, policy: string, 
/**
 * `missed`, `late`, or the exclusion's name (`holiday_mode`, `no_response_needed`, …).
 */
reason: string, answered_at: number | null, };

export type EvaluationView = { at: number, week_from: number, week_to: number, figures: Array<FigureView>, 
/**
 * The last evaluation's figures (the last full week, now).
 */
current: Array<FigureView>, 
/**
 * Inquiries of that week still open that can yet be answered in time.
 */
open_now: number, };

export type ShopReviewView = { shop: string, name: string | null, platform: string, region: string, tz: string, days: Array<PointView>, weeks: Array<PointView>, evaluation: EvaluationView | null, misses: Array<MissView>, misses_total: number, };

export type MetricsReview = { now: number, from: string, to: string, shops: Array<ShopReviewView>, };

export type CardField = { name: string, value: string, };

export type ChatMessageView = { id: string, at: number, 
/**
 * `buyer`, `agent`, `auto`, `bot`, `system`, `broadcast`.
 */
from: string, 
/**
 * `text`, `sticker`, `emoji`, `image`, `video`, `product_card`, `order_card`,
 * `faq_prompt`, `other`.
 */
kind: string, text: string | null, agent: string | null, image_url: string | null, video_url: string | null, sticker_id: string | null, product_id: string | null, order_id: string | null, return_id: string | null, coupon_id: string | null, card: Array<CardField>, };

export type OutboxView = { id: number, text: string, agent: string | null, 
/**
 * `queued`, `sending`, `sent`, `failed`.
 */
state: string, attempts: number, error: string | null, retryable: boolean, queued_at: number, sent_at: number | null, 
/**
 * The platform's message id once sent (the message in the list with this id).
 */
message_id: string | null, 
/**
 * A pasted image rather than text.
 */
image: boolean, 
/**
 * Where the platform's host put the image, once uploaded.
 */
image_url: string | null, };

export type ChatPageView = { messages: Array<ChatMessageView>, 
/**
 * Older messages remain: ask again with the first message's `(at, id)`.
 */
more: boolean, outbox: Array<OutboxView>, };

export type InquiryView = { opened_at: number, deadline: number, due_soon_at: number | null, policy: string, policy_text: string, weekend_moved: boolean, ordinary_deadline: number, 
/**
 * The shop's zone (IANA), for the shop-local times.
 */
tz: string, };

export type ComposerLimits = { platform: string, 
/**
 * Characters a text message may have (`null`: the platform documents none).
 */
max_chars: number | null, limit_source: string, 
/**
 * Whether the outbox can send a pasted image.
 */
images: boolean, images_note: string, };

export type FilledTemplate = { id: string, title: string, template: string, text: string, };

export type SuggestionView = { text: string, 
/**
 * `template` or `past_reply`.
 */
source: string, };

export type ChatActionView = { id: number, at: number, 
/**
 * `transfer` or `report_abuse`.
 */
action: string, agent: string | null, to_agent: string | null, reason: string | null, note: string | null, evidence_lines: number, 
/**
 * `recorded_locally` or `sent`.
 */
delivery: string, };

export type ChatContext = { now: number, buyer: string, 
/**
 * The shop's zone (IANA): message times show in it on hover.
 */
shop_tz: string, inquiry: InquiryView | null, limits: ComposerLimits, templates: Array<FilledTemplate>, suggestions: Array<SuggestionView>, 
/**
 * The buyer's words the suggestions answer.
 */
question: string, actions: Array<ChatActionView>, abuse_reasons: Array<string>, };

export type FindingView = { rule: string, 
/**
 * `warn` or `block` (the seller's choice per rule).
 */
level: string, start: number, end: number, excerpt: string, explain: string, };

export type GuardView = { findings: Array<FindingView>, blocked: boolean, };

export type SendResult = { queued: boolean, outbox_id: number | null, guard: GuardView, reason: string | null, };

export type InsightTag = { id: string, label: string, why: string, };

export type Money = { currency: string, amount: number, };

export type OrderView = { shop: string, platform: string, buyer: string, buyer_name: string | null, id: string, at: number, amount: number | null, currency: string | null, status: string | null, 
/**
 * Whether the platform lets the seller start a chat from this order now, and why.
 */
can_chat: boolean, chat_reason: string, 
/**
 * Shipping fields from the platform's order cards in the buyer's chats (name, value);
 * empty when the platform gave none.
 */
tracking: Array<[string, string]>, };

export type BuyerPanel = { shop: string, buyer: string, name: string | null, 
/**
 * The platform's avatar (`https:` only), as the conversation listing gave it.
 */
avatar: string | null, tags: Array<InsightTag>, 
/**
 * `positive`, `neutral`, `negative`.
 */
sentiment: string, waiting_time_secs: number | null, past_chats_30d: number, average_csat_30d: number | null, total_orders: number, total_gmv: Array<Money>, high_priority: boolean, high_priority_reasons: Array<string>, orders: Array<OrderView>, 
/**
 * Product and coupon ids from the cards in the buyer's chats.
 */
products: Array<string>, coupons: Array<string>, conversations: number, };

export type OrderChatView = { shop: string, buyer: string, allowed: boolean, reason: string, 
/**
 * The buyer's chat to open (reused); `null` when there is none yet.
 */
conversation: string | null, };

export type ConnectRequest = { 
/**
 * `tiktok`, `shopee`, `lazada`.
 */
platform: string, region: string, 
/**
 * The shop's IANA time zone.
 */
zone: string, name: string | null, 
/**
 * Shopee: the partner id.
 */
app_key: string, 
/**
 * Shopee: the partner key. Kept in the secrets store only.
 */
app_secret: string, 
/**
 * Another API server (a sandbox, the simulator); empty: the platform's own.
 */
api_base: string | null, };

export type ConnectProgress = { 
/**
 * `waiting_for_browser`, `exchanging`, `connected`, `failed`, `cancelled`.
 */
stage: string, shop: string, platform: string, message: string, 
/**
 * The page the browser was sent to, to open by hand when none opened.
 */
authorize_url: string | null, 
/**
 * Why it failed: `invalid`, `state_mismatch`, `refused`, `timeout`, `cancelled`,
 * `rejected_code`, `secrets`, `config_not_writable`, `switch`.
 */
reason: string | null, };

export type ModeChanged = { demo: boolean, };
