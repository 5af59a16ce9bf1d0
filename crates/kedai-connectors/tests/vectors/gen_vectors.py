#!/usr/bin/env python3
"""Writes signatures.json: signing and webhook test vectors for kedai-connectors.

Computed with the Python standard library only (hmac, hashlib, json), from the platforms'
published rules, independently of the Rust code that tests/signatures.rs checks.

    python3 crates/kedai-connectors/tests/vectors/gen_vectors.py
"""
import hashlib
import hmac
import json
import os


def hm(key: str, msg: bytes) -> str:
    return hmac.new(key.encode("utf-8"), msg, hashlib.sha256).hexdigest()


def tiktok(secret, path, query, body):
    params = sorted((k, v) for k, v in query if k not in ("sign", "access_token"))
    s = secret + path + "".join(k + v for k, v in params)
    return hm(secret, s.encode("utf-8") + body.encode("utf-8") + secret.encode("utf-8"))


def shopee(key, partner_id, path, ts, access_token=None, shop_id=None):
    s = f"{partner_id}{path}{ts}"
    if access_token is not None:
        s += f"{access_token}{shop_id}"
    return hm(key, s.encode("utf-8"))


def lazada(secret, api_path, params, body):
    items = sorted((k, v) for k, v in params if k != "sign")
    s = api_path + "".join(k + v for k, v in items) + body
    return hm(secret, s.encode("utf-8")).upper()


tiktok_cases = [
    dict(app_secret="e59af819cc", path="/customer_service/202309/conversations",
         query=[["app_key", "29a39d"], ["timestamp", "1700000000"], ["shop_cipher", "ROW_abc"],
                ["page_size", "20"]], body=""),
    dict(app_secret="secret", path="/customer_service/202309/conversations/7a1/messages",
         query=[["page_token", "tok=="], ["app_key", "k"], ["timestamp", "1700000001"],
                ["sign", "ignored"], ["access_token", "ignored-too"], ["sort_order", "DESC"],
                ["sort_field", "create_time"], ["page_size", "10"]], body=""),
    dict(app_secret="secret", path="/customer_service/202309/conversations/7a1/messages",
         query=[["app_key", "k"], ["timestamp", "1700000002"], ["shop_cipher", "c"]],
         body='{"type":"TEXT","content":"{\\"content\\":\\"Terima kasih 🙏 ya\\"}"}'),
    dict(app_secret="sëcret-ünïcode", path="/customer_service/202407/performance",
         query=[["support_date_ge", "2026-07-01"], ["support_date_lt", "2026-07-08"],
                ["app_key", "k"], ["timestamp", "1"], ["Z", "upper-before-lower"], ["a", "x"]],
         body="{}"),
    dict(app_secret="s", path="/api/v2/token/get", query=[], body=""),
]

many = [[f"p{i:02d}", f"v{i}"] for i in range(40, 0, -1)]
tiktok_cases.append(dict(app_secret="many", path="/customer_service/202309/conversations",
                         query=many + [["app_key", "k"], ["timestamp", "2"]], body=""))

shopee_cases = [
    dict(partner_key="pk-1", partner_id=2001234, path="/api/v2/sellerchat/get_message",
         timestamp=1700000000, access_token="at-xyz", shop_id=101),
    dict(partner_key="pk-1", partner_id=2001234,
         path="/api/v2/sellerchat/get_conversation_list", timestamp=1700000100,
         access_token="7a6f6b", shop_id=18446744073709551615),
    dict(partner_key="pk-2", partner_id=1, path="/api/v2/auth/token/get",
         timestamp=1700000200, access_token=None, shop_id=None),
    dict(partner_key="ключ", partner_id=99, path="/api/v2/shop/auth_partner",
         timestamp=1700000300, access_token=None, shop_id=None),
    dict(partner_key="pk-3", partner_id=42, path="/api/v2/sellerchat/send_message",
         timestamp=1700000400, access_token="tok", shop_id=9007199254740993),
]

lazada_cases = [
    dict(app_secret="lz-secret", api_path="/im/message/list",
         params=[["app_key", "123456"], ["timestamp", "1700000000000"], ["sign_method", "sha256"],
                 ["access_token", "at"], ["session_id", "s1"], ["page_size", "50"],
                 ["start_time", "1700000000000"]], body=""),
    dict(app_secret="lz-secret", api_path="/im/message/send",
         params=[["app_key", "123456"], ["timestamp", "1700000000001"], ["sign_method", "sha256"],
                 ["access_token", "at"], ["session_id", "s1"], ["template_id", "1"],
                 ["txt", "Salamat po 😊 ñ"], ["sign", "ignored"]], body=""),
    dict(app_secret="lz-secret", api_path="/auth/token/create",
         params=[["app_key", "1"], ["timestamp", "2"], ["sign_method", "sha256"],
                 ["code", "0_abc"]], body=""),
    dict(app_secret="body-secret", api_path="/im/session/read",
         params=[["app_key", "1"], ["timestamp", "3"], ["sign_method", "sha256"]],
         body='{"session_id":"s9","last_read_message_id":"m9"}'),
    dict(app_secret="many", api_path="/im/session/list", params=many, body=""),
]

for c in tiktok_cases:
    c["sign"] = tiktok(c["app_secret"], c["path"], c["query"], c["body"])
for c in shopee_cases:
    c["sign"] = shopee(c["partner_key"], c["partner_id"], c["path"], c["timestamp"],
                       c["access_token"], c["shop_id"])
    # shop ids beyond 2^53 travel as strings so no JSON reader rounds them
    if c["shop_id"] is not None:
        c["shop_id"] = str(c["shop_id"])
for c in lazada_cases:
    c["sign"] = lazada(c["app_secret"], c["api_path"], c["params"], c["body"])

push_bodies = ['{"type":14,"shop_id":"7494","data":{"conversation_id":"c1"}}',
               '{"code":10,"shop_id":101,"data":{"content":{"text":"Halo kak 👋"}}}', ""]
webhooks = []
for b in push_bodies:
    webhooks.append(dict(platform="tiktok", app_key="tk-key", secret="tk-secret", body=b,
                         signature=hm("tk-secret", ("tk-key" + b).encode("utf-8"))))
    url = "https://kedai.example/push/shopee"
    webhooks.append(dict(platform="shopee", url=url, secret="sp-key", body=b,
                         signature=hm("sp-key", (url + "|" + b).encode("utf-8"))))
    webhooks.append(dict(platform="lazada", app_key="lz-key", secret="lz-secret", body=b,
                         signature=hm("lz-secret", ("lz-key" + b).encode("utf-8"))))

out = dict(tiktok=tiktok_cases, shopee=shopee_cases, lazada=lazada_cases, webhooks=webhooks)
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "signatures.json")
with open(path, "w", encoding="utf-8") as f:
    json.dump(out, f, ensure_ascii=False, indent=1)
    f.write("\n")
print(f"wrote {path}")
