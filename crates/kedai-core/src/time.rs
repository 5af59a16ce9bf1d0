//! Instants: UTC, kept to the millisecond everywhere (event log, store, engine),
//! so that an export followed by an import reproduces every instant exactly.

use chrono::{DateTime, SecondsFormat, TimeZone, Utc};

pub type Ts = DateTime<Utc>;

/// Milliseconds since the Unix epoch, the store's representation.
pub fn to_ms(t: Ts) -> i64 {
    t.timestamp_millis()
}

pub fn from_ms(ms: i64) -> Ts {
    Utc.timestamp_millis_opt(ms)
        .single()
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// Drops anything finer than a millisecond.
pub fn truncate_ms(t: Ts) -> Ts {
    from_ms(to_ms(t))
}

/// Parses RFC 3339 with an explicit offset (`2026-07-20T10:00:00+08:00` or `...Z`).
pub fn parse_instant(s: &str) -> Result<Ts, String> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| truncate_ms(t.with_timezone(&Utc)))
        .map_err(|e| format!("`{s}` is not an RFC 3339 instant with an offset ({e})"))
}

pub fn format_instant(t: Ts) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// Serde adapter for required instants.
pub mod serde_ts {
    use super::*;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(t: &Ts, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format_instant(*t))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Ts, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        parse_instant(&s).map_err(serde::de::Error::custom)
    }
}

/// Serde adapter for optional instants.
pub mod serde_ts_opt {
    use super::*;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(t: &Option<Ts>, s: S) -> Result<S::Ok, S::Error> {
        match t {
            Some(t) => s.serialize_str(&format_instant(*t)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Ts>, D::Error> {
        let s = <Option<std::borrow::Cow<'de, str>>>::deserialize(d)?;
        s.map(|s| parse_instant(&s).map_err(serde::de::Error::custom))
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_keep_milliseconds_and_drop_finer() {
        let t = parse_instant("2026-07-20T10:00:00.123456+08:00").unwrap();
        assert_eq!(format_instant(t), "2026-07-20T02:00:00.123Z");
        assert_eq!(from_ms(to_ms(t)), t);
    }

    #[test]
    fn an_instant_without_offset_is_refused() {
        let err = parse_instant("2026-07-20T10:00:00").unwrap_err();
        assert!(err.contains("offset"), "{err}");
    }
}
