//! Lazada Open Platform, IM.

mod parse;

use chrono::{NaiveDate, Utc};
use kedai_core::Platform;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::connector::Connector;
use crate::error::{Error, Result};
use crate::http::{join_url, ApiRequest, BoxFuture, ClientOptions, Core, Dialect, RawResponse};
use crate::tokens::{Secret, Tokens};
use crate::value::{id, str_of};
use crate::wire::{Conversation, Cursor, Outgoing, Page, Performance, Sent, WireMessage};

pub use parse::{parse_envelope, parse_message, parse_messages, parse_sessions, parse_tokens};

pub const MAX_SESSION_PAGE: u32 = 50;
pub const MAX_MESSAGE_PAGE: u32 = 50;

/// The first page asks for everything before this instant (2100-01-01): "now plus some
/// headroom" lost the newest sessions to any clock far ahead of ours (an accelerated
/// simulator runs days ahead within minutes; a skewed server).
const NEWEST_END_MS: i64 = 4_102_444_800_000;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LazadaConfig {
    /// `https://api.lazada.com.my/rest` (per region) or the simulator's `/rest`.
    pub base_url: String,
    /// `https://auth.lazada.com/rest`: token create and refresh.
    pub auth_base_url: String,
    /// `https://auth.lazada.com/oauth/authorize`.
    pub authorize_url: String,
    pub app_key: String,
    pub app_secret: Secret,
    pub seller_id: String,
}

impl LazadaConfig {
    /// Every URL pointing at one server (the simulator), the API under `/rest`.
    pub fn at(base: &str, app_key: &str, app_secret: &str, seller_id: &str) -> Self {
        let base = base.trim_end_matches('/');
        LazadaConfig {
            base_url: format!("{base}/rest"),
            auth_base_url: format!("{base}/rest"),
            authorize_url: format!("{base}/oauth/authorize"),
            app_key: app_key.to_owned(),
            app_secret: app_secret.into(),
            seller_id: seller_id.to_owned(),
        }
    }
}

pub struct LazadaConnector {
    dialect: LazadaDialect,
    core: Core,
}

impl std::fmt::Debug for LazadaConnector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LazadaConnector")
            .field("config", &self.dialect.cfg)
            .field("tokens", &self.core.tokens)
            .finish()
    }
}

struct LazadaDialect {
    cfg: LazadaConfig,
}

impl Dialect for LazadaDialect {
    fn build(
        &self,
        client: &reqwest::Client,
        req: &ApiRequest,
        tokens: &Tokens,
    ) -> Result<reqwest::RequestBuilder> {
        // Every parameter travels in the query (POST too) and is signed; the body stays empty.
        let body = req.body.clone().unwrap_or_default();
        let mut params = req.query.clone();
        params.push(("app_key".into(), self.cfg.app_key.clone()));
        params.push((
            "timestamp".into(),
            Utc::now().timestamp_millis().to_string(),
        ));
        params.push(("sign_method".into(), "sha256".into()));
        if req.authed {
            params.push(("access_token".into(), tokens.access.expose().to_owned()));
        }
        let sign = crate::sign::lazada(
            self.cfg.app_secret.expose(),
            &req.path,
            &params,
            body.as_bytes(),
        );
        params.push(("sign".into(), sign));
        let base = if req.auth_host {
            &self.cfg.auth_base_url
        } else {
            &self.cfg.base_url
        };
        let url = join_url(base, &req.path, &params)?;
        let mut rb = client.request(req.method.clone(), url);
        if req.body.is_some() {
            rb = rb
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body);
        }
        Ok(rb)
    }

    fn read_envelope(&self, raw: &RawResponse) -> Result<Value> {
        parse_envelope(&raw.body)
    }

    fn refresh_request(&self, tokens: &Tokens) -> Result<ApiRequest> {
        Ok(ApiRequest::get("token", "/auth/token/refresh")
            .token_call()
            .param("refresh_token", tokens.refresh.expose()))
    }

    fn parse_tokens(&self, payload: &Value) -> Result<Tokens> {
        parse_tokens(payload, Utc::now())
    }

    fn rate_key(&self, api: &str) -> String {
        format!("lazada:{}:{}:{api}", self.cfg.app_key, self.cfg.seller_id)
    }
}

impl LazadaConnector {
    pub fn new(cfg: LazadaConfig, tokens: Tokens, options: ClientOptions) -> Result<Self> {
        Ok(LazadaConnector {
            dialect: LazadaDialect { cfg },
            core: Core::new(tokens, options)?,
        })
    }

    /// The browser page where the seller grants access.
    pub fn authorize_url(&self, redirect_uri: &str, state: &str) -> Result<url::Url> {
        let cfg = &self.dialect.cfg;
        let mut u = url::Url::parse(&cfg.authorize_url)
            .map_err(|e| Error::Config(format!("authorize URL: {e}")))?;
        u.query_pairs_mut()
            .append_pair("response_type", "code")
            .append_pair("force_auth", "true")
            .append_pair("redirect_uri", redirect_uri)
            .append_pair("client_id", &cfg.app_key)
            .append_pair("state", state);
        Ok(u)
    }

    async fn call(&self, req: ApiRequest) -> Result<Value> {
        self.core.call(&self.dialect, &req).await
    }
}

fn time_cursor(req: ApiRequest, cursor: &Cursor, id_param: &str) -> ApiRequest {
    match cursor {
        Cursor::Time { time, last_id } => {
            let req = req.param("start_time", time);
            match last_id {
                Some(l) => req.param(id_param, l),
                None => req,
            }
        }
        // The newest end: "older than start_time", whatever the server's clock says.
        _ => req.param("start_time", NEWEST_END_MS),
    }
}

impl Connector for LazadaConnector {
    fn platform(&self) -> Platform {
        Platform::Lazada
    }

    fn list_conversations<'a>(&'a self, cursor: &'a Cursor) -> BoxFuture<'a, Page<Conversation>> {
        Box::pin(async move {
            let req = ApiRequest::get("session.list", "/im/session/list").param(
                "page_size",
                self.core
                    .options
                    .conversation_page_size
                    .min(MAX_SESSION_PAGE),
            );
            let req = time_cursor(req, cursor, "last_session_id");
            parse_sessions(&self.call(req).await?)
        })
    }

    fn list_messages<'a>(
        &'a self,
        conversation: &'a Conversation,
        cursor: &'a Cursor,
    ) -> BoxFuture<'a, Page<WireMessage>> {
        Box::pin(async move {
            let req = ApiRequest::get("message.list", "/im/message/list")
                .param("session_id", &conversation.id)
                .param(
                    "page_size",
                    self.core.options.message_page_size.min(MAX_MESSAGE_PAGE),
                );
            let req = time_cursor(req, cursor, "last_message_id");
            parse_messages(&self.call(req).await?, &conversation.id)
        })
    }

    fn send<'a>(
        &'a self,
        conversation: &'a Conversation,
        message: &'a Outgoing,
    ) -> BoxFuture<'a, Sent> {
        Box::pin(async move {
            let req = ApiRequest::get("message.send", "/im/message/send")
                .param("session_id", &conversation.id);
            let mut req = match message {
                Outgoing::Text { text } => req.param("template_id", 1).param("txt", text),
                Outgoing::Image { url } => req.param("template_id", 3).param("img_url", url),
                Outgoing::ProductCard { product_id } => {
                    req.param("template_id", 10006).param("item_id", product_id)
                }
                Outgoing::OrderCard { order_id } => {
                    req.param("template_id", 10007).param("order_id", order_id)
                }
            };
            req.method = reqwest::Method::POST;
            let data = self.call(req.not_idempotent()).await?;
            let message_id = data
                .get("message_id")
                .and_then(id)
                .or_else(|| {
                    data.get("data")
                        .and_then(|d| d.get("message_id"))
                        .and_then(id)
                })
                .ok_or_else(|| Error::malformed("lazada send: no message_id"))?;
            Ok(Sent { message_id })
        })
    }

    fn open_conversation<'a>(
        &'a self,
        buyer: &'a str,
        order_id: &'a str,
    ) -> BoxFuture<'a, Conversation> {
        Box::pin(async move {
            let mut req =
                ApiRequest::get("session.open", "/im/session/open").param("order_id", order_id);
            req.method = reqwest::Method::POST;
            let data = self.call(req).await?;
            let id = crate::value::req_id(&data, "session_id", "lazada open session")?;
            Ok(Conversation::opened(Platform::Lazada, id, buyer))
        })
    }

    fn mark_read<'a>(
        &'a self,
        conversation: &'a Conversation,
        last_message_id: &'a str,
    ) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            let mut req = ApiRequest::get("session.read", "/im/session/read")
                .param("session_id", &conversation.id)
                .param("last_read_message_id", last_message_id);
            req.method = reqwest::Method::POST;
            self.call(req).await?;
            Ok(())
        })
    }

    fn refresh_token(&self) -> BoxFuture<'_, Tokens> {
        self.core.refresh(&self.dialect)
    }

    fn exchange_code<'a>(&'a self, code: &'a str) -> BoxFuture<'a, Tokens> {
        Box::pin(async move {
            let req = ApiRequest::get("token", "/auth/token/create")
                .token_call()
                .param("code", code);
            self.core.exchange(&self.dialect, &req).await
        })
    }

    fn tokens(&self) -> Tokens {
        self.core.tokens.get()
    }

    fn performance(&self, _from: NaiveDate, _to: NaiveDate) -> BoxFuture<'_, Option<Performance>> {
        // Lazada publishes no chat performance API.
        Box::pin(async { Ok(None) })
    }
}

/// The `seller_id` of a token response, where Lazada names it.
pub fn token_seller_id(v: &Value) -> Option<String> {
    v.get("country_user_info")
        .and_then(Value::as_array)
        .and_then(|a| a.first())
        .and_then(|u| u.get("seller_id"))
        .and_then(id)
        .or_else(|| str_of(v, "seller_id").map(str::to_owned))
}

#[cfg(test)]
mod tests;
