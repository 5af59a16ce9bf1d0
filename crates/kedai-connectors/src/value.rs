//! Lenient readers over `serde_json::Value`: ids from strings or integers (never through
//! `f64`, Shopee ids exceed 2^53), Lazada's quoted booleans and numbers, and no panics on
//! any shape.

use chrono::{TimeZone, Utc};
use kedai_core::Ts;
use serde_json::Value;

use crate::error::Error;

/// Parses a body as JSON, naming the call in the error.
pub(crate) fn parse_json(body: &[u8], context: &str) -> Result<Value, Error> {
    serde_json::from_slice(body).map_err(|e| Error::malformed(format!("{context}: not JSON ({e})")))
}

/// Parses a body as a JSON object (every platform's envelope), naming the call in the error.
pub(crate) fn parse_object(body: &[u8], context: &str) -> Result<Value, Error> {
    let v = parse_json(body, context)?;
    require_object(&v, context)?;
    Ok(v)
}

/// A record must be a JSON object.
pub(crate) fn require_object(v: &Value, context: &str) -> Result<(), Error> {
    if v.is_object() {
        Ok(())
    } else {
        Err(Error::malformed(format!("{context}: not an object")))
    }
}

/// An id: a string, or an integer kept exactly. Floats and other shapes are `None`.
pub(crate) fn id(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => n
            .as_u64()
            .map(|u| u.to_string())
            .or_else(|| n.as_i64().map(|i| i.to_string())),
        _ => None,
    }
}

/// An integer from a number or a quoted number. Floats with no fraction are accepted only
/// when small enough to be exact.
pub(crate) fn int(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64().or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                .map(|f| f as i64)
        }),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A boolean from `true`, `"true"`, `1`, `"1"` (and their false forms).
pub(crate) fn boolish(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::Number(n) => n.as_i64().map(|i| i != 0),
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "1" => Some(true),
            "false" | "0" | "" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

pub(crate) fn flag(v: &Value, key: &str) -> bool {
    v.get(key).and_then(boolish).unwrap_or(false)
}

pub(crate) fn str_of<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

/// A string field, or a number rendered as a string (for urls and ids in content).
pub(crate) fn text_of(v: &Value, key: &str) -> Option<String> {
    match v.get(key)? {
        Value::String(s) => Some(s.clone()),
        other @ Value::Number(_) => id(other),
        _ => None,
    }
}

/// An id the platform sends as an integer: an integer, or a string of digits.
pub(crate) fn num_id(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => {
            Some(s.clone())
        }
        Value::Number(_) => id(v),
        _ => None,
    }
}

/// An optional field: absent or null is `None`; present, it must read with `f`, else the
/// record is malformed (a wrong-typed field is never silently dropped).
pub(crate) fn opt<T>(
    v: &Value,
    key: &str,
    f: impl Fn(&Value) -> Option<T>,
    context: &str,
) -> Result<Option<T>, Error> {
    match v.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(x) => f(x)
            .map(Some)
            .ok_or_else(|| Error::malformed(format!("{context}: `{key}` has the wrong type"))),
    }
}

/// A required integer id (see `num_id`).
pub(crate) fn req_num_id(v: &Value, key: &str, context: &str) -> Result<String, Error> {
    v.get(key)
        .and_then(num_id)
        .ok_or_else(|| Error::malformed(format!("{context}: `{key}` missing or not an integer id")))
}

pub(crate) fn req_id(v: &Value, key: &str, context: &str) -> Result<String, Error> {
    v.get(key)
        .and_then(id)
        .ok_or_else(|| Error::malformed(format!("{context}: `{key}` missing or not an id")))
}

pub(crate) fn req_int(v: &Value, key: &str, context: &str) -> Result<i64, Error> {
    v.get(key)
        .and_then(int)
        .ok_or_else(|| Error::malformed(format!("{context}: `{key}` missing or not an integer")))
}

/// A required non-empty string (an access token).
pub(crate) fn req_str<'a>(v: &'a Value, key: &str, context: &str) -> Result<&'a str, Error> {
    str_of(v, key)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| Error::malformed(format!("{context}: no {key}")))
}

/// An optional count (`unread_count`): absent is 0, negative 0, clamped to `u32`.
pub(crate) fn count(v: &Value, key: &str, context: &str) -> Result<u32, Error> {
    let n = opt(v, key, int, context)?.unwrap_or(0);
    Ok(n.clamp(0, u32::MAX as i64) as u32)
}

/// An instant given as seconds from `now` (token lifetimes); absent, unreadable, negative or
/// beyond ten years is `None`.
pub(crate) fn secs_after(v: &Value, key: &str, now: Ts) -> Option<Ts> {
    v.get(key)
        .and_then(int)
        .filter(|s| (0..=10 * 365 * 86_400).contains(s))
        .map(|s| now + chrono::Duration::seconds(s))
}

pub(crate) fn req_array<'a>(v: &'a Value, key: &str, context: &str) -> Result<&'a [Value], Error> {
    match v.get(key) {
        Some(Value::Array(a)) => Ok(a),
        // an empty page may come as null or without the list
        None | Some(Value::Null) => Ok(&[]),
        Some(_) => Err(Error::malformed(format!(
            "{context}: `{key}` is not a list"
        ))),
    }
}

pub(crate) fn from_secs(s: i64, context: &str) -> Result<Ts, Error> {
    Utc.timestamp_opt(s, 0)
        .single()
        .ok_or_else(|| Error::malformed(format!("{context}: instant {s} s out of range")))
}

pub(crate) fn from_millis(ms: i64, context: &str) -> Result<Ts, Error> {
    Utc.timestamp_millis_opt(ms)
        .single()
        .ok_or_else(|| Error::malformed(format!("{context}: instant {ms} ms out of range")))
}

pub(crate) fn from_nanos(ns: i64) -> Option<Ts> {
    Some(Utc.timestamp_nanos(ns))
}

/// A JSON string holding a JSON object (TikTok's and Lazada's `content`); an object is
/// accepted as is.
pub(crate) fn embedded_object(v: Option<&Value>) -> Option<Value> {
    match v? {
        Value::String(s) => serde_json::from_str::<Value>(s)
            .ok()
            .filter(Value::is_object),
        o @ Value::Object(_) => Some(o.clone()),
        _ => None,
    }
}

/// The raw content as the wire carried it (the string itself, or the object's JSON).
pub(crate) fn raw(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

/// A display name as given, `None` when absent or blank.
pub fn display_name(v: Option<&Value>) -> Option<String> {
    v.and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// An image address the app may show: `https:` only (no `javascript:`, `data:`, `http:`).
pub fn https_url(v: Option<&Value>) -> Option<String> {
    v.and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| s.starts_with("https://") && s.len() > "https://".len())
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_https_avatars_and_non_blank_names_are_kept() {
        for bad in [
            json!("javascript:alert(1)"),
            json!("http://cdn.example/a.png"),
            json!("data:image/png;base64,AAAA"),
            json!("https://"),
            json!(""),
            json!(42),
        ] {
            assert_eq!(https_url(Some(&bad)), None, "{bad}");
        }
        assert_eq!(
            https_url(Some(&json!(" https://cdn.example/a.png "))).as_deref(),
            Some("https://cdn.example/a.png")
        );
        assert_eq!(display_name(Some(&json!("  "))), None);
        assert_eq!(display_name(None), None);
        assert_eq!(
            display_name(Some(&json!("<b>Siti</b>"))).as_deref(),
            Some("<b>Siti</b>"),
            "kept as text; the app never renders it as markup"
        );
    }

    #[test]
    fn ids_beyond_2_pow_53_are_kept_exactly() {
        let v: Value =
            serde_json::from_str(r#"{"a": 18446744073709551615, "b": 9007199254740993}"#).unwrap();
        assert_eq!(id(&v["a"]).as_deref(), Some("18446744073709551615"));
        assert_eq!(id(&v["b"]).as_deref(), Some("9007199254740993"));
        assert_eq!(id(&json!(1.5)), None);
        assert_eq!(id(&json!("")), None);
    }

    #[test]
    fn quoted_booleans_and_numbers_are_accepted() {
        assert_eq!(boolish(&json!("true")), Some(true));
        assert_eq!(boolish(&json!("FALSE")), Some(false));
        assert_eq!(boolish(&json!(1)), Some(true));
        assert_eq!(boolish(&json!("maybe")), None);
        assert_eq!(int(&json!("2")), Some(2));
        assert_eq!(int(&json!(2)), Some(2));
        assert_eq!(int(&json!(" 17 ")), Some(17));
        assert_eq!(int(&json!("x")), None);
    }
}
