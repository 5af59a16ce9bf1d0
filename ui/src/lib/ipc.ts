// The one way the UI talks to the app: every command and event, typed with the types
// generated from Rust (./bindings). Errors reject with an AppError `{kind, message}`.
import { invoke } from '@tauri-apps/api/core';
import { listen, type UnlistenFn } from '@tauri-apps/api/event';
import type {
  AgentView,
  AppError,
  AppInfo,
  Changed,
  Header,
  InboxPage,
  InboxQuery,
  Message,
  NotifySettings,
  NotifyStatus,
  OpenChat,
  ShopSync,
} from './bindings';

export type * from './bindings';

export function isAppError(e: unknown): e is AppError {
  return typeof e === 'object' && e !== null && 'kind' in e && 'message' in e;
}

export const ipc = {
  appInfo: () => invoke<AppInfo>('app_info'),
  inboxPage: (query: InboxQuery) => invoke<InboxPage>('inbox_page', { query }),
  header: () => invoke<Header>('header'),
  openConversation: (shop: string, conversation: string) =>
    invoke<Message[]>('open_conversation', { shop, conversation }),
  setStarred: (shop: string, conversation: string, starred: boolean) =>
    invoke<null>('set_starred', { shop, conversation, starred }),
  setPriority: (shop: string, conversation: string, priority: boolean) =>
    invoke<null>('set_priority', { shop, conversation, priority }),
  assign: (shop: string, conversation: string, agent: string | null) =>
    invoke<null>('assign', { shop, conversation, agent }),
  agents: () => invoke<AgentView[]>('agents'),
  saveAgent: (agent: AgentView) => invoke<null>('save_agent', { agent }),
  notifyStatus: () => invoke<NotifyStatus>('notify_status'),
  setNotifySettings: (settings: NotifySettings) =>
    invoke<null>('set_notify_settings', { settings }),
  syncStatus: () => invoke<ShopSync[]>('sync_status'),
  benchMark: (name: string) => invoke<null>('bench_mark', { name }),
  onChanged: (cb: (c: Changed) => void): Promise<UnlistenFn> =>
    listen<Changed>('inbox://changed', (e) => cb(e.payload)),
  onOpenChat: (cb: (c: OpenChat) => void): Promise<UnlistenFn> =>
    listen<OpenChat>('app://open-chat', (e) => cb(e.payload)),
};

// Settings and Metrics pages (src-tauri/src/settings.rs, metrics.rs).
import type {
  EffectView,
  GuardLevel,
  HoursSpan,
  MetricsReview,
  RuleTestView,
  RuleView,
  SettingsInfo,
  ShopSettingsView,
  TemplateView,
  WordLists,
  WordView,
} from './bindings';

export const settingsIpc = {
  info: () => invoke<SettingsInfo>('settings_info'),
  setHolidayMode: (shop: string, on: boolean) => invoke<ShopSettingsView>('set_holiday_mode', { shop, on }),
  setWeekendCoverage: (shop: string, on: boolean) => invoke<ShopSettingsView>('set_weekend_coverage', { shop, on }),
  setOperatingHours: (shop: string, hours: HoursSpan[]) => invoke<ShopSettingsView>('set_operating_hours', { shop, hours }),
  setShopProfile: (shop: string, region: string, tz: string, name: string | null) =>
    invoke<ShopSettingsView>('set_shop_profile', { shop, region, tz, name }),
  setShopSetting: (shop: string, key: string, value: string) => invoke<ShopSettingsView>('set_shop_setting', { shop, key, value }),
  backup: (path: string) => invoke<string>('backup_data', { path }),
  exportLog: (path: string, shop: string | null) => invoke<string>('export_event_log', { path, shop }),
  rules: () => invoke<RuleView[]>('rules'),
  saveRule: (rule: RuleView) => invoke<RuleView[]>('save_rule', { rule }),
  deleteRule: (id: string) => invoke<RuleView[]>('delete_rule', { id }),
  orderRules: (ids: string[]) => invoke<RuleView[]>('order_rules', { ids }),
  testRules: (shop: string, text: string) => invoke<RuleTestView>('test_rules', { shop, text }),
  ruleEffects: () => invoke<EffectView[]>('rule_effects'),
  quickReplies: (shop: string) => invoke<TemplateView[]>('quick_replies', { shop }),
  saveQuickReply: (shop: string, template: TemplateView) => invoke<null>('save_quick_reply', { shop, template }),
  wordLists: (shop: string) => invoke<WordLists>('word_lists', { shop }),
  editWord: (shop: string, word: WordView) => invoke<null>('edit_word', { shop, word }),
  setIntentEnabled: (shop: string, intent: string, enabled: boolean) =>
    invoke<null>('set_intent_enabled', { shop, intentId: intent, enabled }),
  guardLevels: (shop: string) => invoke<GuardLevel[]>('guard_levels', { shop }),
  setGuardLevel: (shop: string, rule: string, block: boolean) => invoke<null>('set_guard_level', { shop, rule, block }),
  metricsReview: (from: string, to: string) => invoke<MetricsReview>('metrics_review', { from, to }),
  exportMetricsCsv: (from: string, to: string, path: string) => invoke<string>('export_metrics_csv', { from, to, path }),
};

// The system's "Save as" dialog: the chosen path, or null when cancelled.
export const filesIpc = {
  chooseSavePath: (title: string, suggested: string, extension: string) =>
    invoke<string | null>('choose_save_path', { title, suggested, extension }),
};

export const secretsIpc = {
  setShopSecrets: (shop: string, values: Record<string, string>) => invoke<string[]>('set_shop_secrets', { shop, values }),
};

// The chat window and buyer panel (issue 7).
import type {
  BuyerPanel,
  ChatActionView,
  ChatContext,
  ChatPageView,
  GuardView,
  OrderChatView,
  OrderView,
  SendResult,
} from './bindings';

export const chatIpc = {
  // A pasted image goes as the raw IPC body, its shop, chat and type as headers.
  sendImage: async (shop: string, conversation: string, file: Blob) =>
    invoke<SendResult>('chat_send_image', new Uint8Array(await file.arrayBuffer()), {
      headers: { shop, conversation, mime: file.type },
    }),
  page: (shop: string, conversation: string, before: { at: number; id: string } | null, limit: number) =>
    invoke<ChatPageView>('chat_page', {
      shop,
      conversation,
      beforeAt: before?.at ?? null,
      beforeId: before?.id ?? null,
      limit,
    }),
  context: (shop: string, conversation: string) => invoke<ChatContext>('chat_context', { shop, conversation }),
  guard: (shop: string, text: string) => invoke<GuardView>('chat_guard', { shop, text }),
  send: (shop: string, conversation: string, text: string) =>
    invoke<SendResult>('chat_send', { shop, conversation, text }),
  retry: (id: number) => invoke<null>('chat_retry', { id }),
  mark: (shop: string, conversation: string, action: 'end_session' | 'no_response_needed' | 'star' | 'unstar') =>
    invoke<null>('chat_mark', { shop, conversation, action }),
  transfer: (shop: string, conversation: string, to: string, note: string) =>
    invoke<null>('chat_transfer', { shop, conversation, to, note }),
  reportAbuse: (shop: string, conversation: string, reason: string, note: string) =>
    invoke<ChatActionView>('chat_report_abuse', { shop, conversation, reason, note }),
  buyerPanel: (shop: string, buyer: string) => invoke<BuyerPanel>('buyer_panel', { shop, buyer }),
  orderSearch: (prefix: string) => invoke<OrderView[]>('order_search', { prefix }),
  chatFromOrder: (shop: string, order: string) => invoke<OrderChatView>('chat_from_order', { shop, order }),
};

// ---- Connecting shops and demo on/off (src-tauri/src/connect.rs, mode.rs) ----
import type { ConnectProgress, ConnectRequest, ModeChanged } from './bindings';

export const connectIpc = {
  /** Starts the platform's OAuth flow in the browser; answers the shop id it will have. */
  start: (request: ConnectRequest) => invoke<string>('connect_shop_start', { request }),
  cancel: () => invoke<boolean>('connect_shop_cancel'),
  /** The last progress since the app started (a reloaded page shows it again). */
  status: () => invoke<ConnectProgress | null>('connect_status'),
  setDemo: (on: boolean) => invoke<boolean>('set_demo', { on }),
  /** Takes the shop out of kedai.toml and forgets its secrets. */
  disconnect: (shop: string) => invoke<boolean>('disconnect_shop', { shop }),
  onProgress: (cb: (p: ConnectProgress) => void): Promise<UnlistenFn> =>
    listen<ConnectProgress>('connect://progress', (e) => cb(e.payload)),
  onModeChanged: (cb: (m: ModeChanged) => void): Promise<UnlistenFn> =>
    listen<ModeChanged>('app://mode-changed', (e) => cb(e.payload)),
};

// When the app switches between demo and real data (Settings → Shops, a connected shop),
// every page reloads from the new file: the banner, the inbox, the header, Settings.
if (typeof window !== 'undefined' && '__TAURI_INTERNALS__' in window) {
  void connectIpc.onModeChanged(() => window.location.reload());
}
