// The connect and demo commands (src-tauri/src/connect.rs), layered on mock-ipc.js and
// settings-mock.js: the form is checked as `connect::plan` checks it, each call is recorded,
// and the test drives the progress events the background flow would send.
(() => {
  const inner = window.__TAURI_INTERNALS__.invoke;
  const state = window.__mock;
  const calls = [];
  state.connectCalls = calls;
  let last = null;
  let running = null;
  const bad = (message) => { throw { kind: 'invalid', message }; };
  const progress = (stage, message, extra = {}) => {
    last = { stage, shop: running?.shop ?? 'lz-ph', platform: running?.platform ?? 'lazada', message, authorize_url: null, reason: null, ...extra };
    window.__emit('connect://progress', last);
    if (!['waiting_for_browser', 'exchanging'].includes(stage)) running = null;
  };
  window.__connect = { progress };
  const handlers = {
    connect_shop_start: ({ request: r }) => {
      if (!['tiktok', 'shopee', 'lazada'].includes(r.platform)) bad(`unknown platform \`${r.platform}\``);
      if (!r.app_key.trim() || !r.app_secret.trim()) bad('the app key and the app secret are both needed');
      if (!/^[A-Za-z_]+\/[A-Za-z_]+$/.test(r.zone)) bad(`\`${r.zone}\` is not an IANA time zone`);
      if (running) throw { kind: 'busy', message: 'a connection is already waiting for the browser: cancel it first' };
      calls.push(['start', r]);
      const prefix = { tiktok: 'tt', shopee: 'sp', lazada: 'lz' }[r.platform];
      running = { shop: `${prefix}-${r.region.toLowerCase()}`, platform: r.platform };
      setTimeout(() => progress('waiting_for_browser', 'Waiting for you to grant access in the browser…',
        { authorize_url: `${r.api_base ?? 'https://auth.lazada.com'}/_sim/authorize?platform=${r.platform}&state=abc` }), 10);
      return running.shop;
    },
    connect_shop_cancel: () => {
      calls.push(['cancel']);
      if (!running) return false;
      setTimeout(() => progress('cancelled', 'cancelled', { reason: 'cancelled' }), 10);
      return true;
    },
    connect_status: () => last,
    set_demo: ({ on }) => {
      sessionStorage.setItem('kedai-mock-set-demo', JSON.stringify({ on }));
      setTimeout(() => window.__emit('app://mode-changed', { demo: on }), 50);
      return on;
    },
    disconnect_shop: ({ shop }) => { calls.push(['disconnect', shop]); return true; },
  };
  window.__TAURI_INTERNALS__.invoke = async (cmd, args) => {
    const h = handlers[cmd];
    if (!h) return inner(cmd, args);
    state.calls.push(cmd);
    const v = h(args || {});
    return v === undefined ? null : JSON.parse(JSON.stringify(v));
  };
})();
