//! TikTok Shop Partner API v2, customer service.

mod parse;

use std::time::Duration;

use chrono::{NaiveDate, Utc};
use kedai_core::Platform;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::connector::Connector;
use crate::error::{Error, Result};
use crate::http::{join_url, ApiRequest, BoxFuture, Core, Dialect, RawResponse, Upload};
use crate::ratelimit::RateLimit;
use crate::tokens::{Secret, Tokens};
use crate::value::str_of;
use crate::wire::{Conversation, Cursor, Outgoing, Page, Performance, Sent, Uploaded, WireMessage};

/// Where the options used to live; they serve all three clients.
pub use crate::http::ClientOptions;
pub use parse::{parse_conversations, parse_envelope, parse_message, parse_messages, parse_tokens};

/// 50 requests per second per API per app+shop, spread out (at most 5 at once).
pub const DEFAULT_RATE_LIMIT: RateLimit = RateLimit {
    burst: 5,
    window: Duration::from_millis(100),
};

pub const MAX_CONVERSATION_PAGE: u32 = 20;
pub const MAX_MESSAGE_PAGE: u32 = 10;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TiktokConfig {
    /// `https://open-api.tiktokglobalshop.com` or the simulator.
    pub base_url: String,
    /// Token endpoints (`https://auth.tiktok-shops.com`); the simulator serves them too.
    pub auth_base_url: String,
    /// The browser authorize page (`https://services.tiktokshop.com/open/authorize`).
    pub authorize_url: String,
    pub app_key: String,
    pub app_secret: Secret,
    pub service_id: String,
    pub shop_cipher: String,
    pub shop_id: String,
}

impl TiktokConfig {
    /// Every URL pointing at one server (the simulator).
    pub fn at(
        base: &str,
        app_key: &str,
        app_secret: &str,
        shop_id: &str,
        shop_cipher: &str,
    ) -> Self {
        TiktokConfig {
            base_url: base.to_owned(),
            auth_base_url: base.to_owned(),
            authorize_url: format!("{}/open/authorize", base.trim_end_matches('/')),
            app_key: app_key.to_owned(),
            app_secret: app_secret.into(),
            service_id: app_key.to_owned(),
            shop_cipher: shop_cipher.to_owned(),
            shop_id: shop_id.to_owned(),
        }
    }
}

pub struct TiktokConnector {
    dialect: TiktokDialect,
    core: Core,
}

impl std::fmt::Debug for TiktokConnector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TiktokConnector")
            .field("config", &self.dialect.cfg)
            .field("tokens", &self.core.tokens)
            .finish()
    }
}

struct TiktokDialect {
    cfg: TiktokConfig,
}

impl Dialect for TiktokDialect {
    fn build(
        &self,
        client: &reqwest::Client,
        req: &ApiRequest,
        tokens: &Tokens,
    ) -> Result<reqwest::RequestBuilder> {
        // a multipart body is not signed
        let body = match &req.upload {
            Some(_) => String::new(),
            None => req.body.clone().unwrap_or_default(),
        };
        let base = if req.auth_host {
            &self.cfg.auth_base_url
        } else {
            &self.cfg.base_url
        };
        let mut query = req.query.clone();
        if req.authed {
            query.push(("app_key".into(), self.cfg.app_key.clone()));
            query.push(("timestamp".into(), Utc::now().timestamp().to_string()));
            if !self.cfg.shop_cipher.is_empty() && !req.path.starts_with("/authorization/") {
                query.push(("shop_cipher".into(), self.cfg.shop_cipher.clone()));
            }
            let sign = crate::sign::tiktok(
                self.cfg.app_secret.expose(),
                &req.path,
                &query,
                body.as_bytes(),
            );
            query.push(("sign".into(), sign));
        }
        let url = join_url(base, &req.path, &query)?;
        let mut rb = client.request(req.method.clone(), url);
        if req.authed {
            rb = rb.header("x-tts-access-token", tokens.access.expose());
        }
        if let Some(upload) = &req.upload {
            return Ok(rb.multipart(upload.form()?));
        }
        rb = rb.header(reqwest::header::CONTENT_TYPE, "application/json");
        if req.body.is_some() {
            rb = rb.body(body);
        }
        Ok(rb)
    }

    fn read_envelope(&self, raw: &RawResponse) -> Result<Value> {
        parse_envelope(&raw.body)
    }

    fn refresh_request(&self, tokens: &Tokens) -> Result<ApiRequest> {
        Ok(ApiRequest::get("token", "/api/v2/token/refresh")
            .token_call()
            .param("app_key", &self.cfg.app_key)
            .param("app_secret", self.cfg.app_secret.expose())
            .param("refresh_token", tokens.refresh.expose())
            .param("grant_type", "refresh_token"))
    }

    fn parse_tokens(&self, payload: &Value) -> Result<Tokens> {
        parse_tokens(payload)
    }

    fn rate_key(&self, api: &str) -> String {
        format!("tiktok:{}:{}:{api}", self.cfg.app_key, self.cfg.shop_id)
    }
}

impl TiktokConnector {
    pub fn new(cfg: TiktokConfig, tokens: Tokens, options: ClientOptions) -> Result<Self> {
        Ok(TiktokConnector {
            dialect: TiktokDialect { cfg },
            core: Core::new(tokens, options)?,
        })
    }

    /// The browser page where the seller grants access.
    pub fn authorize_url(&self, state: &str) -> Result<url::Url> {
        let mut u = url::Url::parse(&self.dialect.cfg.authorize_url)
            .map_err(|e| Error::Config(format!("authorize URL: {e}")))?;
        u.query_pairs_mut()
            .append_pair("service_id", &self.dialect.cfg.service_id)
            .append_pair("state", state);
        Ok(u)
    }

    async fn call(&self, req: ApiRequest) -> Result<Value> {
        self.core.call(&self.dialect, &req).await
    }

    fn messages_path(conversation: &str) -> String {
        format!(
            "/customer_service/202309/conversations/{}/messages",
            url_segment(conversation)
        )
    }
}

/// Conversation ids go into a path: keep them to characters that need no escaping.
pub(crate) fn url_segment(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

fn outgoing(m: &Outgoing) -> (&'static str, Value) {
    match m {
        Outgoing::Text { text } => ("TEXT", json!({ "content": text })),
        Outgoing::Image { url } => ("IMAGE", json!({ "url": url })),
        Outgoing::ProductCard { product_id } => {
            ("PRODUCT_CARD", json!({ "product_id": product_id }))
        }
        Outgoing::OrderCard { order_id } => ("ORDER_CARD", json!({ "order_id": order_id })),
    }
}

impl Connector for TiktokConnector {
    fn platform(&self) -> Platform {
        Platform::Tiktok
    }

    fn list_conversations<'a>(&'a self, cursor: &'a Cursor) -> BoxFuture<'a, Page<Conversation>> {
        Box::pin(async move {
            let mut req = ApiRequest::get(
                "conversations.list",
                "/customer_service/202309/conversations",
            )
            .param(
                "page_size",
                self.core
                    .options
                    .conversation_page_size
                    .min(MAX_CONVERSATION_PAGE),
            );
            if let Cursor::Token { token } = cursor {
                req = req.param("page_token", token);
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
            let mut req = ApiRequest::get("messages.list", Self::messages_path(&conversation.id))
                .param(
                    "page_size",
                    self.core.options.message_page_size.min(MAX_MESSAGE_PAGE),
                )
                .param("sort_field", "create_time")
                .param("sort_order", "DESC");
            if let Cursor::Token { token } = cursor {
                req = req.param("page_token", token);
            }
            parse_messages(&self.call(req).await?, &conversation.id)
        })
    }

    fn send<'a>(
        &'a self,
        conversation: &'a Conversation,
        message: &'a Outgoing,
    ) -> BoxFuture<'a, Sent> {
        Box::pin(async move {
            let (ty, content) = outgoing(message);
            let body = json!({ "type": ty, "content": content.to_string() });
            let data = self
                .call(
                    ApiRequest::post(
                        "messages.send",
                        Self::messages_path(&conversation.id),
                        &body,
                    )
                    .not_idempotent(),
                )
                .await?;
            let message_id = crate::value::req_id(&data, "message_id", "tiktok send")?;
            Ok(Sent { message_id })
        })
    }

    fn upload_image<'a>(&'a self, bytes: &'a [u8], mime: &'a str) -> BoxFuture<'a, Uploaded> {
        Box::pin(async move {
            let ext = mime.rsplit('/').next().unwrap_or("jpg");
            let mut req =
                ApiRequest::get("images.upload", "/customer_service/202309/images/upload");
            req.method = reqwest::Method::POST;
            req.upload = Some(Upload {
                field: "data",
                file_name: format!("image.{ext}"),
                mime: mime.to_owned(),
                bytes: std::sync::Arc::new(bytes.to_vec()),
            });
            let data = self.call(req).await?;
            let url = crate::value::https_url(data.get("url")).ok_or_else(|| {
                Error::malformed("tiktok image upload: no https `url` in the answer")
            })?;
            Ok(Uploaded { url })
        })
    }

    fn open_conversation<'a>(
        &'a self,
        buyer: &'a str,
        _order_id: &'a str,
    ) -> BoxFuture<'a, Conversation> {
        Box::pin(async move {
            let body = json!({ "buyer_user_id": buyer });
            let data = self
                .call(ApiRequest::post(
                    "conversations.create",
                    "/customer_service/202309/conversations",
                    &body,
                ))
                .await?;
            let id = crate::value::req_id(&data, "conversation_id", "tiktok create conversation")?;
            Ok(Conversation::opened(Platform::Tiktok, id, buyer))
        })
    }

    fn mark_read<'a>(
        &'a self,
        conversation: &'a Conversation,
        _last_message_id: &'a str,
    ) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            let path = format!("{}/read", Self::messages_path(&conversation.id));
            self.call(ApiRequest::post("messages.read", path, &json!({})))
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
            let req = ApiRequest::get("token", "/api/v2/token/get")
                .token_call()
                .param("app_key", &cfg.app_key)
                .param("app_secret", cfg.app_secret.expose())
                .param("auth_code", code)
                .param("grant_type", "authorized_code");
            self.core.exchange(&self.dialect, &req).await
        })
    }

    fn tokens(&self) -> Tokens {
        self.core.tokens.get()
    }

    fn performance(&self, from: NaiveDate, to: NaiveDate) -> BoxFuture<'_, Option<Performance>> {
        Box::pin(async move {
            let req = ApiRequest::get("performance", "/customer_service/202407/performance")
                .param("support_date_ge", from.format("%Y-%m-%d"))
                .param("support_date_lt", to.format("%Y-%m-%d"));
            let data = self.call(req).await?;
            let perf = data.get("performance").cloned().unwrap_or(data);
            if !perf.is_object() {
                return Err(Error::malformed("tiktok performance: not an object"));
            }
            Ok(Some(Performance::from_value(perf)))
        })
    }
}

/// `shop_cipher` of the authorized shop (`GET /authorization/202309/shops`).
pub async fn authorized_shop_cipher(c: &TiktokConnector) -> Result<Option<String>> {
    let data = c
        .call(ApiRequest::get("shops", "/authorization/202309/shops"))
        .await?;
    let shops = crate::value::req_array(&data, "shops", "tiktok shops")?;
    Ok(shops
        .first()
        .and_then(|s| str_of(s, "cipher"))
        .map(str::to_owned))
}

#[cfg(test)]
mod tests;
