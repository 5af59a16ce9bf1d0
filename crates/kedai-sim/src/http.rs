//! What the three platform modules share: the request as read, the reply before rendering,
//! the dispatch by path prefix with faults applied, and opaque cursors.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::Response;
use chrono::Utc;
use kedai_core::Platform;
use serde_json::Value;

use crate::faults::{corrupt, Fault};
use crate::state::Sim;
use crate::{lazada, shopee, tiktok};

pub struct Req {
    pub method: Method,
    pub path: String,
    pub query: Vec<(String, String)>,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Req {
    pub fn param(&self, key: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    pub fn pairs(&self) -> Vec<(&str, &str)> {
        self.query
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The body as a JSON object, or an empty one when there is no body.
    pub fn json(&self) -> Result<serde_json::Map<String, Value>, String> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(serde_json::Map::new());
        }
        match serde_json::from_slice::<Value>(&self.body) {
            Ok(Value::Object(m)) => Ok(m),
            Ok(_) => Err("the body is not a JSON object".into()),
            Err(e) => Err(format!("the body is not JSON: {e}")),
        }
    }

    pub fn is_multipart(&self) -> bool {
        self.header("content-type")
            .is_some_and(|c| c.starts_with("multipart/"))
    }
}

/// How a list handler should bend its page for a fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Normal,
    Duplicate,
    Reorder,
}

pub struct Reply {
    pub status: StatusCode,
    pub body: Value,
    pub retry_after: Option<u32>,
    pub location: Option<String>,
}

impl Reply {
    pub fn json(status: StatusCode, body: Value) -> Reply {
        Reply {
            status,
            body,
            retry_after: None,
            location: None,
        }
    }

    pub fn ok(body: Value) -> Reply {
        Reply::json(StatusCode::OK, body)
    }
}

/// The error classes of WIRE.md's error table; each platform renders its own body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrKind {
    Sign,
    Auth,
    RateLimit,
    Param,
    NotFound,
}

pub fn platform_of(path: &str) -> Option<Platform> {
    if path.starts_with("/customer_service/")
        || path.starts_with("/api/v2/token/")
        || path.starts_with("/authorization/")
    {
        Some(Platform::Tiktok)
    } else if path.starts_with("/api/v2/") {
        Some(Platform::Shopee)
    } else if path.starts_with("/rest/") {
        Some(Platform::Lazada)
    } else {
        None
    }
}

fn error_reply(sim: &Sim, platform: Platform, kind: ErrKind, msg: &str) -> Reply {
    match platform {
        Platform::Tiktok => tiktok::error(sim, kind, msg),
        Platform::Shopee => shopee::error(sim, kind, msg),
        Platform::Lazada => lazada::error(sim, kind, msg),
    }
}

/// Every platform request comes through here: faults first (as a gateway would), then the
/// platform module.
pub async fn dispatch(
    State(sim): State<Arc<Sim>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().to_owned();
    let Some(platform) = platform_of(&path) else {
        let body = serde_json::json!({"error": "not_found", "message": format!("no route {path}")});
        return render(Reply::json(StatusCode::NOT_FOUND, body));
    };
    let query = match Query::<Vec<(String, String)>>::try_from_uri(&uri) {
        Ok(Query(q)) => q,
        Err(_) => {
            return render(error_reply(
                &sim,
                platform,
                ErrKind::Param,
                "malformed query string",
            ))
        }
    };
    let req = Req {
        method,
        path,
        query,
        headers,
        body,
    };
    let mut mode = Mode::Normal;
    let mut malformed = None;
    let mut slow = false;
    if let Some((fault, turn)) = sim.faults.pick(platform) {
        match fault {
            Fault::RateLimit => {
                let mut r = error_reply(&sim, platform, ErrKind::RateLimit, "Too many requests");
                r.status = StatusCode::TOO_MANY_REQUESTS;
                r.retry_after = Some(sim.config.retry_after_secs);
                return render(r);
            }
            Fault::ServerError => {
                let status = [
                    StatusCode::INTERNAL_SERVER_ERROR,
                    StatusCode::BAD_GATEWAY,
                    StatusCode::SERVICE_UNAVAILABLE,
                ][(turn % 3) as usize];
                return render_raw(
                    status,
                    "text/html",
                    "<html><body>upstream error</body></html>",
                );
            }
            // the platform does the work and answers late: a client that gives up first
            // cannot tell whether a send went through
            Fault::Slow => slow = true,
            Fault::ExpireToken => {
                expire_token_of(&sim, platform, &req);
                return render(error_reply(&sim, platform, ErrKind::Auth, "expired"));
            }
            Fault::Malformed => malformed = Some(turn),
            Fault::DuplicatePage => mode = Mode::Duplicate,
            Fault::ReorderPage => mode = Mode::Reorder,
        }
    }
    let reply = match platform {
        Platform::Tiktok => tiktok::handle(&sim, &req, mode),
        Platform::Shopee => shopee::handle(&sim, &req, mode),
        Platform::Lazada => lazada::handle(&sim, &req, mode),
    };
    if slow {
        tokio::time::sleep(sim.config.slow_delay).await;
    }
    match malformed {
        Some(turn) if req.method == Method::GET && reply.status == StatusCode::OK => {
            let mut reply = reply;
            // a wrong-typed field in a chat record (what a client quarantines); elsewhere
            // (tokens, shop info) and every other turn, a body cut short
            let corrupted = if turn % 2 == 0 || !chat_listing(&req.path) {
                None
            } else {
                corrupt(&mut reply.body)
            };
            if let Some(record) = corrupted {
                sim.faults.record_corrupted(platform, record);
            } else {
                let text = reply.body.to_string();
                let cut = text.len() / 2;
                let cut = (0..=cut)
                    .rev()
                    .find(|i| text.is_char_boundary(*i))
                    .unwrap_or(0);
                return render_raw(StatusCode::OK, "application/json", &text[..cut]);
            }
            render(reply)
        }
        _ => render(reply),
    }
}

/// The listings of conversations and messages, on every platform.
fn chat_listing(path: &str) -> bool {
    ["conversation", "message", "session/list"]
        .iter()
        .any(|k| path.contains(k))
}

/// An expire_token fault expires the token the request carries, for real.
fn expire_token_of(sim: &Sim, platform: Platform, req: &Req) {
    let token = match platform {
        Platform::Tiktok => req.header("x-tts-access-token"),
        _ => req.param("access_token"),
    };
    let Some(token) = token else { return };
    let mut world = sim.write();
    if let Some(shop) = world
        .shops
        .iter_mut()
        .find(|s| s.platform() == platform && s.credentials.access_token() == token)
    {
        shop.access_expires = Utc::now() - chrono::Duration::seconds(1);
    }
}

pub fn render(reply: Reply) -> Response {
    let body = serde_json::to_vec(&reply.body).unwrap_or_default();
    let mut resp = Response::new(Body::from(body));
    *resp.status_mut() = reply.status;
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    if let Some(s) = reply.retry_after {
        h.insert(header::RETRY_AFTER, HeaderValue::from(s));
    }
    if let Some(loc) = reply.location {
        if let Ok(v) = HeaderValue::from_str(&loc) {
            h.insert(header::LOCATION, v);
        }
    }
    resp
}

pub fn render_raw(status: StatusCode, content_type: &'static str, text: &str) -> Response {
    let mut resp = Response::new(Body::from(text.to_owned()));
    *resp.status_mut() = status;
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    resp
}

/// Request timestamps are checked against the wall clock (not the sim clock): 5 minutes.
pub fn fresh(timestamp_secs: i64) -> bool {
    Utc::now().timestamp().abs_diff(timestamp_secs) <= 300
}

/// An opaque cursor: the fields joined by `|`, hex-encoded.
pub fn encode_cursor(fields: &[&str]) -> String {
    hex::encode(fields.join("|"))
}

pub fn decode_cursor(token: &str) -> Option<Vec<String>> {
    let bytes = hex::decode(token).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    Some(text.split('|').map(str::to_owned).collect())
}

/// A page size within `1..=max`, `default` when absent.
pub fn page_size(raw: Option<&str>, default: usize, max: usize) -> Result<usize, String> {
    match raw {
        None | Some("") => Ok(default),
        Some(s) => match s.parse::<usize>() {
            Ok(n) if (1..=max).contains(&n) => Ok(n),
            _ => Err(format!("page_size must be between 1 and {max}")),
        },
    }
}
