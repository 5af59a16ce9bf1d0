//! Shopee Open Platform v2, sellerchat.

mod parse;

use chrono::{NaiveDate, Utc};
use kedai_core::Platform;
use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::connector::Connector;
use crate::error::{Error, Result};
use crate::http::{join_url, ApiRequest, BoxFuture, ClientOptions, Core, Dialect, RawResponse};
use crate::tokens::{Secret, Tokens};
use crate::value::req_id;
use crate::wire::{Conversation, Cursor, Outgoing, Page, Performance, Sent, WireMessage};

pub use parse::{parse_conversations, parse_envelope, parse_message, parse_messages, parse_tokens};

pub const MAX_CONVERSATION_PAGE: u32 = 60;
pub const MAX_MESSAGE_PAGE: u32 = 50;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ShopeeConfig {
    /// `https://partner.shopeemobile.com` or the simulator.
    pub base_url: String,
    pub partner_id: u64,
    pub partner_key: Secret,
    pub shop_id: u64,
}

pub struct ShopeeConnector {
    dialect: ShopeeDialect,
    core: Core,
}

impl std::fmt::Debug for ShopeeConnector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ShopeeConnector")
            .field("config", &self.dialect.cfg)
            .field("tokens", &self.core.tokens)
            .finish()
    }
}

struct ShopeeDialect {
    cfg: ShopeeConfig,
}

impl Dialect for ShopeeDialect {
    fn build(
        &self,
        client: &reqwest::Client,
        req: &ApiRequest,
        tokens: &Tokens,
    ) -> Result<reqwest::RequestBuilder> {
        let ts = Utc::now().timestamp();
        let shop = req
            .authed
            .then(|| (tokens.access.expose(), self.cfg.shop_id));
        let sign = crate::sign::shopee(
            self.cfg.partner_key.expose(),
            self.cfg.partner_id,
            &req.path,
            ts,
            shop,
        );
        let mut query = req.query.clone();
        query.push(("partner_id".into(), self.cfg.partner_id.to_string()));
        query.push(("timestamp".into(), ts.to_string()));
        if let Some((token, shop_id)) = shop {
            query.push(("access_token".into(), token.to_owned()));
            query.push(("shop_id".into(), shop_id.to_string()));
        }
        query.push(("sign".into(), sign));
        let url = join_url(&self.cfg.base_url, &req.path, &query)?;
        let mut rb = client.request(req.method.clone(), url);
        if let Some(body) = &req.body {
            rb = rb
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body.clone());
        }
        Ok(rb)
    }

    fn read_envelope(&self, raw: &RawResponse) -> Result<Value> {
        parse_envelope(raw.status, &raw.body)
    }

    fn refresh_request(&self, tokens: &Tokens) -> Result<ApiRequest> {
        let body = json!({
            "refresh_token": tokens.refresh.expose(),
            "shop_id": self.cfg.shop_id,
            "partner_id": self.cfg.partner_id,
        });
        Ok(ApiRequest::post("token", "/api/v2/auth/access_token/get", &body).token_call())
    }

    fn parse_tokens(&self, payload: &Value) -> Result<Tokens> {
        parse_tokens(payload, Utc::now())
    }

    fn rate_key(&self, api: &str) -> String {
        format!("shopee:{}:{}:{api}", self.cfg.partner_id, self.cfg.shop_id)
    }
}

impl ShopeeConnector {
    pub fn new(cfg: ShopeeConfig, tokens: Tokens, options: ClientOptions) -> Result<Self> {
        Ok(ShopeeConnector {
            dialect: ShopeeDialect { cfg },
            core: Core::new(tokens, options)?,
        })
    }

    /// The browser page where the seller grants access: `/api/v2/shop/auth_partner`, signed
    /// over `partner_id + path + timestamp`. Shopee has no `state` parameter: put the state
    /// in `redirect` (the loopback listener's URL carries it).
    pub fn authorize_url(&self, redirect: &str) -> Result<url::Url> {
        let cfg = &self.dialect.cfg;
        let path = "/api/v2/shop/auth_partner";
        let ts = Utc::now().timestamp();
        let sign = crate::sign::shopee(cfg.partner_key.expose(), cfg.partner_id, path, ts, None);
        let query = [
            ("partner_id".to_owned(), cfg.partner_id.to_string()),
            ("timestamp".to_owned(), ts.to_string()),
            ("sign".to_owned(), sign),
            ("redirect".to_owned(), redirect.to_owned()),
        ];
        join_url(&cfg.base_url, path, &query)
    }

    async fn call(&self, req: ApiRequest) -> Result<Value> {
        self.core.call(&self.dialect, &req).await
    }
}

/// Numeric ids go out as numbers (Shopee's types), anything else as it is.
fn id_value(s: &str) -> Value {
    match s.parse::<u64>() {
        Ok(n) => json!(n),
        Err(_) => json!(s),
    }
}

impl Connector for ShopeeConnector {
    fn platform(&self) -> Platform {
        Platform::Shopee
    }

    fn list_conversations<'a>(&'a self, cursor: &'a Cursor) -> BoxFuture<'a, Page<Conversation>> {
        Box::pin(async move {
            let mut req = ApiRequest::get(
                "get_conversation_list",
                "/api/v2/sellerchat/get_conversation_list",
            )
            .param("direction", "older")
            .param("type", "all")
            .param(
                "page_size",
                self.core
                    .options
                    .conversation_page_size
                    .min(MAX_CONVERSATION_PAGE),
            );
            if let Cursor::Time { time, .. } = cursor {
                req = req.param("next_timestamp_nano", time);
            }
            parse_conversations(&self.call(req).await?)
        })
    }

    fn list_messages<'a>(
        &'a self,
        conversation: &'a Conversation,
        cursor: &'a Cursor,
    ) -> BoxFuture<'a, Page<WireMessage>> {
        Box::pin(async move {
            let mut req = ApiRequest::get("get_message", "/api/v2/sellerchat/get_message")
                .param("conversation_id", &conversation.id)
                .param(
                    "page_size",
                    self.core.options.message_page_size.min(MAX_MESSAGE_PAGE),
                );
            if let Cursor::Token { token } = cursor {
                req = req.param("offset", token);
            }
            parse_messages(
                &self.call(req).await?,
                conversation,
                self.dialect.cfg.shop_id,
            )
        })
    }

    fn send<'a>(
        &'a self,
        conversation: &'a Conversation,
        message: &'a Outgoing,
    ) -> BoxFuture<'a, Sent> {
        Box::pin(async move {
            let (ty, content) = match message {
                Outgoing::Text { text } => ("text", json!({ "text": text })),
                Outgoing::Image { url } => ("image", json!({ "image_url": url })),
                Outgoing::ProductCard { product_id } => {
                    ("item", json!({ "item_id": id_value(product_id) }))
                }
                Outgoing::OrderCard { order_id } => ("order", json!({ "order_sn": order_id })),
            };
            let body = json!({ "to_id": id_value(&conversation.buyer), "message_type": ty, "content": content });
            let resp = self
                .call(
                    ApiRequest::post("send_message", "/api/v2/sellerchat/send_message", &body)
                        .not_idempotent(),
                )
                .await?;
            Ok(Sent {
                message_id: req_id(&resp, "message_id", "shopee send")?,
            })
        })
    }

    fn mark_read<'a>(
        &'a self,
        conversation: &'a Conversation,
        last_message_id: &'a str,
    ) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            let body = json!({
                "conversation_id": id_value(&conversation.id),
                "last_read_message_id": last_message_id,
            });
            self.call(ApiRequest::post(
                "read_conversation",
                "/api/v2/sellerchat/read_conversation",
                &body,
            ))
            .await?;
            Ok(())
        })
    }

    fn refresh_token(&self) -> BoxFuture<'_, Tokens> {
        self.core.refresh(&self.dialect)
    }

    fn exchange_code<'a>(&'a self, code: &'a str) -> BoxFuture<'a, Tokens> {
        Box::pin(async move {
            let cfg = &self.dialect.cfg;
            let body =
                json!({ "code": code, "shop_id": cfg.shop_id, "partner_id": cfg.partner_id });
            let req = ApiRequest::post("token", "/api/v2/auth/token/get", &body).token_call();
            self.core.exchange(&self.dialect, &req).await
        })
    }

    fn tokens(&self) -> Tokens {
        self.core.tokens.get()
    }

    fn performance(&self, _from: NaiveDate, _to: NaiveDate) -> BoxFuture<'_, Option<Performance>> {
        Box::pin(async move {
            // Shopee reports its own fixed period (the last 30 days); the range is not a parameter.
            let req = ApiRequest {
                method: Method::GET,
                ..ApiRequest::get(
                    "get_shop_performance",
                    "/api/v2/account_health/get_shop_performance",
                )
            };
            let resp = self.call(req).await?;
            if !resp.is_object() {
                return Err(Error::malformed("shopee performance: not an object"));
            }
            let mut perf = Performance::from_value(resp.clone());
            // metric_list entries by id: `metric_11` = chat response rate, 21 response time,
            // 29 average response time
            if let Some(list) = resp.get("metric_list").and_then(Value::as_array) {
                for m in list {
                    if let (Some(id), Some(v)) = (
                        m.get("metric_id").and_then(crate::value::int),
                        m.get("current_period").and_then(Value::as_f64),
                    ) {
                        perf.figures.insert(format!("metric_{id}"), v);
                    }
                }
            }
            Ok(Some(perf))
        })
    }
}

#[cfg(test)]
mod tests;
