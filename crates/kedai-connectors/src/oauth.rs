//! Connecting a real shop: the seller grants access in a browser, the platform redirects to
//! a loopback listener with a code, the connector exchanges the code for tokens.

use std::time::Duration;

use rand::Rng;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use crate::error::{Error, Result};

/// What the redirect brought back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Callback {
    pub code: String,
    /// Shopee adds the shop that was authorized.
    pub shop_id: Option<String>,
}

/// A random `state` that ties a redirect to the authorization this app started.
pub fn new_state() -> String {
    let bytes: [u8; 16] = rand::thread_rng().gen();
    hex::encode(bytes)
}

/// A one-shot HTTP listener on `127.0.0.1:<free port>` that waits for
/// `GET /callback?code=..&state=..`.
#[derive(Debug)]
pub struct LoopbackListener {
    listener: TcpListener,
    port: u16,
}

const PAGE_OK: &str = "<!doctype html><meta charset=utf-8><title>Kedai</title>\
<body style=\"font-family:sans-serif\"><h1>Shop connected</h1><p>You can close this tab and return to Kedai.</p>";
const PAGE_FAIL: &str = "<!doctype html><meta charset=utf-8><title>Kedai</title>\
<body style=\"font-family:sans-serif\"><h1>Not connected</h1><p>The authorization did not come back as expected. Start again from Kedai.</p>";

impl LoopbackListener {
    pub async fn bind() -> Result<Self> {
        let listener = TcpListener::bind(("127.0.0.1", 0))
            .await
            .map_err(|e| Error::OAuth(format!("cannot listen on loopback: {e}")))?;
        let port = listener
            .local_addr()
            .map_err(|e| Error::OAuth(format!("loopback address: {e}")))?
            .port();
        Ok(LoopbackListener { listener, port })
    }

    /// `http://127.0.0.1:<port>/callback`: the redirect URI to register and send.
    pub fn redirect_uri(&self) -> String {
        format!("http://127.0.0.1:{}/callback", self.port)
    }

    /// Waits for the redirect (other requests, e.g. `/favicon.ico`, get a 404 and are
    /// ignored), checks `state`, answers a small page, returns the code.
    pub async fn wait(self, expected_state: &str, timeout: Duration) -> Result<Callback> {
        tokio::time::timeout(timeout, self.accept_loop(expected_state))
            .await
            .map_err(|_| Error::OAuth("no redirect arrived in time".into()))?
    }

    async fn accept_loop(&self, expected_state: &str) -> Result<Callback> {
        loop {
            let (mut sock, _) = self
                .listener
                .accept()
                .await
                .map_err(|e| Error::OAuth(format!("accept: {e}")))?;
            let head = match read_head(&mut sock).await {
                Ok(h) => h,
                Err(_) => continue,
            };
            let outcome = parse_callback(&head, expected_state);
            let (status, page) = match &outcome {
                Some(Ok(_)) => ("200 OK", PAGE_OK),
                Some(Err(_)) => ("400 Bad Request", PAGE_FAIL),
                None => ("404 Not Found", "not found"),
            };
            let resp = format!(
                "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{page}",
                page.len()
            );
            let _ = sock.write_all(resp.as_bytes()).await;
            let _ = sock.shutdown().await;
            if let Some(result) = outcome {
                return result;
            }
        }
    }
}

async fn read_head(sock: &mut tokio::net::TcpStream) -> std::io::Result<String> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") && buf.len() < 16 * 1024 {
        let n = sock.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    Ok(String::from_utf8_lossy(&buf).into_owned())
}

/// `None` for a request that is not the callback; otherwise the code or why it is refused.
pub fn parse_callback(head: &str, expected_state: &str) -> Option<Result<Callback>> {
    let line = head.lines().next()?;
    let mut parts = line.split_whitespace();
    let (method, target) = (parts.next()?, parts.next()?);
    let url = url::Url::parse(&format!("http://127.0.0.1{target}")).ok()?;
    if method != "GET" || url.path() != "/callback" {
        return None;
    }
    let get = |k: &str| {
        url.query_pairs()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.into_owned())
    };
    if let Some(err) = get("error") {
        return Some(Err(Error::OAuth(format!("the platform refused: {err}"))));
    }
    let state = get("state").unwrap_or_default();
    // constant-time comparison: the state is a bearer secret of this flow
    let same = state.len() == expected_state.len()
        && state
            .bytes()
            .zip(expected_state.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0;
    if !same {
        return Some(Err(Error::OAuth(
            "state does not match: not the authorization Kedai started".into(),
        )));
    }
    match get("code").filter(|c| !c.is_empty()) {
        Some(code) => Some(Ok(Callback {
            code,
            shop_id: get("shop_id"),
        })),
        None => Some(Err(Error::OAuth("redirect without a code".into()))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn callback_checks_state_and_reads_code_and_shop() {
        let ok = parse_callback(
            "GET /callback?code=abc&state=s1&shop_id=77 HTTP/1.1\r\nHost: x\r\n\r\n",
            "s1",
        );
        assert_eq!(
            ok.unwrap().unwrap(),
            Callback {
                code: "abc".into(),
                shop_id: Some("77".into())
            }
        );
        assert!(
            parse_callback("GET /callback?code=abc&state=s2 HTTP/1.1\r\n\r\n", "s1")
                .unwrap()
                .is_err()
        );
        assert!(
            parse_callback("GET /callback?state=s1 HTTP/1.1\r\n\r\n", "s1")
                .unwrap()
                .is_err()
        );
        assert!(parse_callback("GET /favicon.ico HTTP/1.1\r\n\r\n", "s1").is_none());
        assert!(parse_callback("garbage", "s1").is_none());
        assert!(parse_callback("", "s1").is_none());
    }

    #[tokio::test]
    async fn the_listener_answers_the_browser_and_returns_the_code() {
        let l = LoopbackListener::bind().await.unwrap();
        let uri = l.redirect_uri();
        let state = new_state();
        let s2 = state.clone();
        let waiter = tokio::spawn(async move { l.wait(&s2, Duration::from_secs(5)).await });
        let client = reqwest::Client::new();
        let favicon = client
            .get(uri.replace("/callback", "/favicon.ico"))
            .send()
            .await
            .unwrap();
        assert_eq!(favicon.status(), 404);
        let page = client
            .get(format!("{uri}?code=C0DE&state={state}"))
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), 200);
        assert!(page.text().await.unwrap().contains("Shop connected"));
        let cb = waiter.await.unwrap().unwrap();
        assert_eq!(cb.code, "C0DE");
    }
}
