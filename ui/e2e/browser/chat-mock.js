// The chat window's commands over mock-ipc.js's fixture (loaded after it as a second init
// script): history in pages, the outbox with test hooks to move a reply along, a stand-in
// guard (phone numbers warn, "whatsapp" blocks), the tools, the buyer panel and orders.
(() => {
  const base = window.__TAURI_INTERNALS__;
  const orig = base.invoke.bind(base);
  const H = 3600_000;
  const NOW = Date.UTC(2026, 6, 20, 4, 0, 0);
  const DAY = 24 * H;
  const msg = (id, at, over = {}) => ({
    id, at, from: 'buyer', kind: 'text', text: null, agent: null, image_url: null, video_url: null, sticker_id: null,
    product_id: null, order_id: null, return_id: null, coupon_id: null, card: [], ...over,
  });
  // c0 (TikTok MY): 120 messages of every kind; xss: text only (the inbox XSS test counts <img>).
  const history = {};
  const c0 = [];
  for (let i = 0; i < 112; i++) c0.push(msg(`h${String(i).padStart(3, '0')}`, NOW - 200 * H + i * H, { text: `old message ${i}` }));
  c0.push(msg('k1', NOW - 8 * H, { from: 'system', text: 'Order 5001 shipped' }));
  c0.push(msg('k2', NOW - 7 * H, { kind: 'image', image_url: 'https://img.example/photo.jpg' }));
  c0.push(msg('k3', NOW - 6 * H, { kind: 'product_card', product_id: '1729', card: [{ name: 'title', value: 'Batik shirt' }] }));
  c0.push(msg('k4', NOW - 5 * H, { kind: 'order_card', order_id: '5001' }));
  c0.push(msg('k5', NOW - 4 * H, { kind: 'other', return_id: 'R-77', order_id: '5001' }));
  c0.push(msg('k6', NOW - 3 * H, { kind: 'other', coupon_id: 'CPN-10' }));
  c0.push(msg('k7', NOW - 2 * H, { from: 'auto', text: 'Thanks for your message, we reply within 12 hours.' }));
  c0.push(msg('k8', NOW - H, { kind: 'emoji', text: '😀' }));
  history['tt-my/c0'] = c0;
  history['tt-my/xss'] = [
    msg('x1', NOW - 2 * H, { text: '<script>window.__pwned=2</script><img src=x onerror="window.__pwned=3"> is this in stock?' }),
    msg('x2', NOW - H, { from: 'agent', agent: 'me', text: 'Yes <b>bold</b>?' }),
  ];
  const outbox = [];
  const actions = {};
  const marks = {}; // shop/conv -> {unreplied:false} / {closed:true}
  const chat = { outbox, calls: [], seq: 100 };
  window.__chat = chat;
  const key = (a) => `${a.shop}/${a.conversation}`;
  const list = (a) => history[key(a)] ?? [msg('d1', NOW - H, { text: 'Is this in stock?' })];

  const guard = (text) => {
    const findings = [];
    for (const m of text.matchAll(/\d{9,}/g)) findings.push({ rule: 'phone_number', level: 'warn', start: m.index, end: m.index + m[0].length, excerpt: m[0], explain: 'phone numbers are contact information outside the chat' });
    for (const m of text.matchAll(/whatsapp/gi)) findings.push({ rule: 'messaging_account', level: 'block', start: m.index, end: m.index + m[0].length, excerpt: m[0], explain: 'other messaging accounts move the buyer off the chat' });
    findings.sort((a, b) => a.start - b.start);
    return { findings, blocked: findings.some((f) => f.level === 'block') };
  };
  const platformOf = (shop) => ({ 'tt-my': 'tiktok', 'sp-ph': 'shopee', 'lz-my': 'lazada' })[shop];
  const orders = [
    { shop: 'tt-my', platform: 'tiktok', buyer: 'buyer-0', buyer_name: null, id: '5001', at: NOW - 3 * DAY, amount: 59.9, currency: 'MYR', status: 'shipped', can_chat: true, chat_reason: 'TikTok Shop allows a chat from an order created within the last 60 days (this one: 3 days ago).', tracking: [['tracking_number', 'JNT<b>123</b>'], ['logistics_status', 'in transit']] },
    { shop: 'tt-my', platform: 'tiktok', buyer: 'buyer-0', buyer_name: null, id: '4001', at: NOW - 90 * DAY, amount: 20, currency: 'MYR', status: 'delivered', can_chat: false, chat_reason: 'TikTok Shop only allows a chat from an order created within the last 60 days or with an ongoing return or dispute; this order is 90 days old and has none.', tracking: [] },
  ];

  const handlers = {
    chat_page: (a) => {
      const all = list(a);
      let upto = all;
      if (a.beforeAt != null) upto = all.filter((m) => m.at < a.beforeAt || (m.at === a.beforeAt && m.id < a.beforeId));
      const page = upto.slice(Math.max(0, upto.length - a.limit));
      return { messages: page, more: upto.length > page.length, outbox: outbox.filter((o) => o.key === key(a)).map(({ key: _k, ...o }) => o) };
    },
    chat_context: (a) => ({
      now: NOW, buyer: 'buyer-0', shop_tz: 'Asia/Kuala_Lumpur',
      inquiry: marks[key(a)] ? null : { opened_at: NOW - 40 * H, deadline: NOW + 8 * H, due_soon_at: NOW + 6 * H, policy: 'tiktok.12h', policy_text: 'TikTok Shop: answer within 12 hours', weekend_moved: true, ordinary_deadline: NOW - 28 * H, tz: 'Asia/Kuala_Lumpur' },
      limits: platformOf(a.shop) === 'tiktok'
        ? { platform: 'tiktok', max_chars: 2000, limit_source: 'TikTok Shop API: text messages up to 2000 characters', images: true, images_note: 'Paste an image (PNG, JPEG, GIF or WebP, under 5 MB): it goes out through the outbox.' }
        : { platform: platformOf(a.shop), max_chars: null, limit_source: 'none documented', images: false, images_note: "Shopee's chat API takes an image only as an address already on its own image host and has no upload." },
      templates: [{ id: 'greet', title: 'Greeting', template: 'Hi {buyer_name}, thanks for order {order_id}!', text: 'Hi Siti, thanks for order 5001!' }],
      suggestions: [{ text: 'Yes, it is in stock.', source: 'past_reply' }, { text: 'We ship within 24 hours.', source: 'template' }, { text: 'Which size do you need?', source: 'past_reply' }],
      question: 'Is this in stock?',
      actions: actions[key(a)] ?? [],
      abuse_reasons: ['spam', 'harassment', 'offensive', 'fraud', 'other'],
    }),
    chat_guard: (a) => guard(a.text),
    chat_send: (a) => {
      const g = guard(a.text);
      if (g.blocked) return { queued: false, outbox_id: null, guard: g, reason: 'Not sent: the shop blocks messaging account (other messaging accounts move the buyer off the chat)' };
      const id = outbox.length + 1;
      outbox.push({ key: key(a), id, text: a.text, agent: 'me', state: 'queued', attempts: 0, error: null, retryable: true, queued_at: NOW + id, sent_at: null, message_id: null, image: false, image_url: null });
      return { queued: true, outbox_id: id, guard: g, reason: null };
    },
    // The pasted image's bytes come as the raw body, the rest as headers (as in the app).
    chat_send_image: (bytes, options) => {
      const h = options?.headers ?? {};
      const id = outbox.length + 1;
      chat.image = { size: bytes.length, first: bytes[0], ...h };
      outbox.push({ key: `${h.shop}/${h.conversation}`, id, text: '', agent: 'me', state: 'queued', attempts: 0, error: null, retryable: true, queued_at: NOW + id, sent_at: null, message_id: null, image: true, image_url: null });
      return { queued: true, outbox_id: id, guard: { findings: [], blocked: false }, reason: null };
    },
    chat_retry: ({ id }) => { const o = outbox.find((x) => x.id === id); o.state = 'queued'; o.error = null; return null; },
    chat_mark: async (a) => {
      if (a.action === 'star' || a.action === 'unstar') return orig('set_starred', { shop: a.shop, conversation: a.conversation, starred: a.action === 'star' });
      marks[key(a)] = a.action === 'end_session' ? { closed: true } : { unreplied: false };
      return null;
    },
    chat_transfer: async (a) => {
      (actions[key(a)] ||= []).push({ id: 1, at: NOW, action: 'transfer', agent: 'me', to_agent: a.to, reason: null, note: a.note, evidence_lines: 0, delivery: 'recorded_locally' });
      return orig('assign', { shop: a.shop, conversation: a.conversation, agent: a.to });
    },
    chat_report_abuse: (a) => {
      const r = { id: 2, at: NOW, action: 'report_abuse', agent: 'me', to_agent: null, reason: a.reason, note: a.note, evidence_lines: list(a).length, delivery: 'recorded_locally' };
      (actions[key(a)] ||= []).push(r);
      return r;
    },
    buyer_panel: (a) => ({
      shop: a.shop, buyer: a.buyer, name: 'Siti <i>A</i>', avatar: null,
      tags: [{ id: 'frequent_customer', label: 'Frequent customer', why: '2 orders in the last 90 days (more than 1)' }, { id: 'sentiment', label: 'Sentiment: neutral', why: "The tone of the buyer's messages in the latest chat reads neutral" }],
      sentiment: 'neutral', waiting_time_secs: 3600, past_chats_30d: 2, average_csat_30d: 4.5, total_orders: 2,
      total_gmv: [{ currency: 'MYR', amount: 79.9 }], high_priority: false, high_priority_reasons: [],
      orders: orders.filter((o) => o.shop === a.shop && o.buyer === a.buyer), products: ['1729'], coupons: ['CPN-10'], conversations: 1,
    }),
    order_search: ({ prefix }) => orders.filter((o) => o.id.startsWith(prefix)),
    chat_from_order: ({ shop, order }) => {
      const o = orders.find((x) => x.shop === shop && x.id === order);
      return { shop, buyer: o.buyer, allowed: o.can_chat, reason: o.chat_reason, conversation: o.can_chat ? 'c0' : null };
    },
    // The inbox with the tools' marks applied (No response needed, End session).
    inbox_page: async (a) => {
      if (Object.keys(marks).length === 0) return orig('inbox_page', a);
      const q = a.query;
      const get = (filter) => orig('inbox_page', { query: { ...q, filter, offset: 0, limit: 100000 } });
      const [open, closed] = await Promise.all([get('all'), get('closed')]);
      const rows = [...open.rows, ...closed.rows].map((r) => ({ ...r, ...(marks[`${r.shop}/${r.conversation}`] ?? {}) }));
      const inFilter = (r, f) => f === 'closed' ? r.closed : !r.closed && (f === 'all' || (f === 'overdue' && r.overdue) ||
        (f === 'due_soon' && r.due_soon) || (f === 'unreplied' && r.unreplied) || (f === 'unread' && r.unread) || (f === 'starred' && r.starred));
      const f = q.filter || 'all';
      const shown = rows.filter((r) => inFilter(r, f)).sort((x, y) => x.deadline - y.deadline);
      return { now: open.now, offset: q.offset, total: shown.length, rows: shown.slice(q.offset, q.offset + q.limit),
        counts: open.counts.map((c) => ({ filter: c.filter, count: rows.filter((r) => inFilter(r, c.filter)).length })) };
    },
  };
  base.invoke = async (cmd, args, options) => {
    const h = handlers[cmd];
    if (!h) return orig(cmd, args);
    chat.calls.push(cmd);
    return JSON.parse(JSON.stringify(await h(args || {}, options)));
  };
  // Test hooks: the sync engine's steps on the outbox, then the app's change event.
  const changed = () => window.__emit('inbox://changed', { seq: ++chat.seq, now: NOW, shops: ['tt-my'], crossings: 0 });
  chat.deliver = (id) => {
    const o = outbox.find((x) => x.id === id);
    const [shop, conversation] = o.key.split('/');
    o.state = 'sent';
    o.sent_at = NOW + 60_000;
    o.message_id = `sent-${id}`;
    (history[o.key] ||= list({ shop, conversation })).push(msg(o.message_id, o.sent_at, { from: 'agent', agent: 'me', text: o.text }));
    changed();
  };
  chat.fail = (id, error) => {
    const o = outbox.find((x) => x.id === id);
    o.state = 'failed';
    o.error = error;
    changed();
  };
})();
