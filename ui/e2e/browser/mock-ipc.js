// A mocked app behind window.__TAURI_INTERNALS__ for the UI in a plain browser: the same
// commands and events as src-tauri, over fixture data. Loaded as an init script.
(() => {
  const H = 3600_000;
  const NOW = Date.UTC(2026, 6, 20, 4, 0, 0);
  const shops = [
    { shop: 'tt-my', name: 'Kedai Batik TikTok', platform: 'tiktok', region: 'MY' },
    { shop: 'sp-ph', name: 'Manila Gadgets', platform: 'shopee', region: 'PH' },
    { shop: 'lz-my', name: 'Rumah Hijab Lazada', platform: 'lazada', region: 'MY' },
  ];
  const XSS_NAME = '<img src=x onerror="window.__pwned=1">';
  const XSS_TEXT = '<script>window.__pwned=2</script><img src=x onerror="window.__pwned=3"> is this in stock?';
  const big = Number(new URLSearchParams(location.search).get('rows') || 0);
  function row(i, over) {
    const s = shops[i % 3];
    const deadline = NOW + (i - 3) * H;
    return {
      shop: s.shop, shop_name: s.name, platform: s.platform, conversation: `c${i}`, buyer: `buyer-${i}`,
      buyer_name: null, opened_at: deadline - 12 * H, deadline, due_soon_at: deadline - 2 * H, policy: 'shopee.12h',
      weekend_moved: false, overdue: deadline < NOW, due_soon: deadline >= NOW && deadline - 2 * H < NOW,
      unreplied: true, unread: i % 2 === 0, starred: false, closed: false, last_message_at: NOW - i * 60_000,
      preview_from: 'buyer', preview_kind: 'text', preview: i % 3 === 1 ? 'My parcel has not arrived' : 'Is this in stock?',
      agent: null, category: i % 3 === 1 ? 'logistics' : 'pre_purchase', priority: false, ...over,
    };
  }
  const rows = [];
  for (let i = 0; i < 9; i++) rows.push(row(i));
  rows.push(row(9, { buyer: XSS_NAME, preview: XSS_TEXT, conversation: 'xss', deadline: NOW + 20 * H, due_soon_at: NOW + 18 * H }));
  const inFilter = (r, f) => {
    if (f === 'closed') return r.closed;
    if (r.closed) return false;
    return f === 'all' || (f === 'overdue' && r.overdue) || (f === 'due_soon' && r.due_soon) ||
      (f === 'unreplied' && r.unreplied) || (f === 'unread' && r.unread) || (f === 'starred' && r.starred);
  };
  const FILTERS = ['all', 'overdue', 'due_soon', 'unreplied', 'unread', 'starred', 'closed'];
  const scoped = (q) => rows.filter((r) =>
    (!q.shop || r.shop === q.shop) && (!q.platform || r.platform === q.platform) &&
    (!q.category || r.category === q.category) && (!q.search || (r.buyer + ' ' + r.preview).toLowerCase().includes(q.search.toLowerCase())) &&
    (q.tab !== 'assigned' || r.agent) && (q.tab !== 'unassigned' || !r.agent) && (!q.priority || r.priority));
  const figure = (id, value, status, over = {}) => ({
    id, value, numerator: 9, denominator: 10, pending: 2, excluded: [{ reason: 'holiday_mode', count: 1 }], status,
    unit: 'rate', target: 0.9, penalty_risk: null, automation_counts_as_reply: null, ...over,
  });
  const state = { pending: 2, calls: [], listeners: {}, callbacks: {}, nextId: 1 };
  window.__mock = state;
  const handlers = {
    app_info: () => ({ demo: true, now: NOW, speed: 1, shops, me: 'me', sync: 'mock', bench: false }),
    inbox_page: ({ query: q }) => {
      const f = q.filter || 'all';
      if (big) {
        const total = big;
        const out = [];
        for (let i = q.offset; i < Math.min(total, q.offset + q.limit); i++) out.push(row(i, { conversation: `big${i}`, overdue: false, due_soon: false, deadline: NOW + i * 60_000, due_soon_at: NOW + i * 60_000 }));
        return { now: NOW, offset: q.offset, total, rows: out, counts: FILTERS.map((x) => ({ filter: x, count: x === 'all' || x === 'unreplied' ? total : 0 })) };
      }
      const sc = scoped(q);
      const list = sc.filter((r) => inFilter(r, f)).sort((a, b) => a.deadline - b.deadline);
      return { now: NOW, offset: q.offset, total: list.length, rows: list.slice(q.offset, q.offset + q.limit),
        counts: FILTERS.map((x) => ({ filter: x, count: sc.filter((r) => inFilter(r, x)).length })) };
    },
    header: () => ({ now: NOW, shops: [
      { ...shops[0], figures: [figure('response_rate_12h', 0.9, 'good', { pending: state.pending }), figure('response_rate_24h', 0.86, 'warning')] },
      { ...shops[1], figures: [figure('chat_response_rate', 0.5, 'bad', { penalty_risk: false })] },
      { ...shops[2], figures: [figure('chat_response_rate', null, 'not_rated')] },
    ] }),
    open_conversation: ({ shop, conversation }) => {
      const r = rows.find((x) => x.shop === shop && x.conversation === conversation);
      if (r) r.unread = false;
      return [{ id: 'm1', at: NOW - H, from: 'buyer', kind: 'text', text: r ? r.preview : '', agent: null },
        { id: 'm2', at: NOW - H + 60_000, from: 'buyer', kind: 'image', text: null, agent: null }];
    },
    set_starred: ({ shop, conversation, starred }) => { rows.find((x) => x.shop === shop && x.conversation === conversation).starred = starred; return null; },
    set_priority: ({ shop, conversation, priority }) => { rows.find((x) => x.shop === shop && x.conversation === conversation).priority = priority; return null; },
    assign: ({ shop, conversation, agent }) => { rows.find((x) => x.shop === shop && x.conversation === conversation).agent = agent; return null; },
    agents: () => [{ id: 'me', name: 'You', status: 'online', capacity: 20, auto_assign: false, is_me: true, open_chats: 0 }],
    save_agent: () => null,
    notify_status: () => ({ settings: { paused: false, dnd_from: '', dnd_to: '' }, service: 'unavailable', detail: 'no bus', sent: 0 }),
    set_notify_settings: () => null,
    sync_status: () => shops.map((s) => ({ shop: s.shop, name: s.name, platform: s.platform, last_success: Date.now(), last_error: null, needs_reconnect: false })),
    bench_mark: () => null,
    'plugin:event|listen': ({ event, handler }) => { (state.listeners[event] ||= []).push(handler); return state.nextId++; },
    'plugin:event|unlisten': () => null,
  };
  window.__TAURI_EVENT_PLUGIN_INTERNALS__ = { unregisterListener: () => {} };
  window.__TAURI_INTERNALS__ = {
    transformCallback(cb) { const id = state.nextId++; state.callbacks[id] = cb; return id; },
    unregisterCallback(id) { delete state.callbacks[id]; },
    async invoke(cmd, args) {
      state.calls.push(cmd);
      const h = handlers[cmd];
      if (!h) throw { kind: 'invalid', message: `no command ${cmd}` };
      return JSON.parse(JSON.stringify(h(args || {})));
    },
  };
  // Test hooks: change the fixture, then emit an event the way the app does.
  window.__addRow = (over) => rows.push(row(rows.length, over));
  window.__emit = (event, payload) => {
    for (const id of state.listeners[event] || []) state.callbacks[id]?.({ event, id: 0, payload });
  };
})();
