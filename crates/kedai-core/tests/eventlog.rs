//! `event-log.md`: reading lines, and the errors a bad line gets.

use kedai_core::history::{parse_line, parse_log};

#[test]
fn unknown_field_is_an_error_that_names_it() {
    let err = parse_line(r#"{"type":"shop","shop":"s","platform":"tiktok","region":"MY","tz":"Asia/Kuala_Lumpur","colour":"red"}"#).unwrap_err();
    assert!(err.contains("unknown field `colour`"), "{err}");
}

#[test]
fn unknown_type_is_an_error_that_names_it() {
    let err = parse_line(r#"{"type":"refund","shop":"s"}"#).unwrap_err();
    assert!(err.contains("refund"), "{err}");
}

#[test]
fn wrong_values_are_named() {
    let cases = [
        (
            r#"{"type":"shop","shop":"s","platform":"amazon","region":"MY","tz":"Asia/Kuala_Lumpur"}"#,
            "amazon",
        ),
        (
            r#"{"type":"shop","shop":"s","platform":"tiktok","region":"MY","tz":"Mars/Olympus"}"#,
            "Mars/Olympus",
        ),
        (
            r#"{"type":"message","shop":"s","conversation":"c","id":"m","at":"2026-07-18T10:00:00","from":"buyer","buyer":"b"}"#,
            "offset",
        ),
        (
            r#"{"type":"message","shop":"s","conversation":"c","id":"m","at":"2026-07-18T10:00:00Z","from":"robot","buyer":"b"}"#,
            "robot",
        ),
        (
            r#"{"type":"message","shop":"s","conversation":"c","id":"m","at":"2026-07-18T10:00:00Z","buyer":"b"}"#,
            "missing field `from`",
        ),
        (
            r#"{"type":"mark","shop":"s","conversation":"c","at":"2026-07-18T10:00:00Z","action":"archive"}"#,
            "archive",
        ),
        (
            r#"{"type":"operating_hours","shop":"s","at":"2026-07-18T10:00:00Z","hours":{"mon":[["18:00","09:00"]]}}"#,
            "24:00",
        ),
        (r#"{"type":"message", "shop": "#, "EOF"),
    ];
    for (line, needle) in cases {
        let err = parse_line(line).unwrap_err();
        assert!(err.contains(needle), "{line}\n => {err}");
    }
}

#[test]
fn strict_reading_reports_every_bad_line_with_its_number() {
    let text = "\n{\"type\":\"shop\",\"shop\":\"s\",\"platform\":\"tiktok\",\"region\":\"MY\",\"tz\":\"Asia/Kuala_Lumpur\"}\nnot json\n{\"type\":\"nope\"}\n";
    let errors = parse_log(text, false).unwrap_err();
    assert_eq!(
        errors.iter().map(|e| e.line).collect::<Vec<_>>(),
        vec![3, 4]
    );
    let lenient = parse_log(text, true).unwrap();
    assert_eq!(lenient.events.len(), 1);
    assert_eq!(lenient.warnings.len(), 2);
}

#[test]
fn semantic_errors_name_the_line() {
    let text = [
        r#"{"type":"shop","shop":"s","platform":"tiktok","region":"MY","tz":"Asia/Kuala_Lumpur"}"#,
        r#"{"type":"message","shop":"s","conversation":"c","id":"m1","at":"2026-07-18T10:00:00Z","from":"buyer","buyer":"b"}"#,
        r#"{"type":"message","shop":"s","conversation":"c","id":"m2","at":"2026-07-18T10:00:00Z","from":"buyer","buyer":"other"}"#,
        r#"{"type":"message","shop":"x","conversation":"c","id":"m3","at":"2026-07-18T10:00:00Z","from":"buyer","buyer":"b"}"#,
        r#"{"type":"mark","shop":"s","conversation":"ghost","at":"2026-07-18T10:00:00Z","action":"star"}"#,
        r#"{"type":"message","shop":"s","conversation":"c","id":"m1","at":"2026-07-18T11:00:00Z","from":"buyer","buyer":"b"}"#,
        r#"{"type":"message","shop":"s","conversation":"c","id":"m1","at":"2026-07-18T10:00:00Z","from":"buyer","buyer":"b"}"#,
    ]
    .join("\n");
    let errors = parse_log(&text, false).unwrap().into_history().unwrap_err();
    let got: Vec<_> = errors
        .iter()
        .map(|e| (e.line, e.message.as_str()))
        .collect();
    assert_eq!(got.len(), 4, "{got:?}");
    assert_eq!(got[0].0, 3);
    assert!(got[0].1.contains("buyer `b`, not `other`"));
    assert_eq!(got[1].0, 4);
    assert!(got[1].1.contains("shop `x` is not declared"));
    assert_eq!(got[2].0, 5);
    assert!(got[2].1.contains("`ghost` has no message"));
    assert_eq!(got[3].0, 6);
    assert!(got[3].1.contains("already used on line 2"));
}

#[test]
fn events_round_trip_through_json() {
    let lines = [
        r#"{"type":"shop","shop":"s","platform":"lazada","region":"MY","tz":"Asia/Kuala_Lumpur","name":"Kedai","mall":true}"#,
        r#"{"type":"message","shop":"s","conversation":"c","id":"m1","at":"2026-07-18T02:00:00.250Z","from":"buyer","buyer":"b","kind":"faq_prompt","text":"hi","faq_chat_with_agent":true}"#,
        r#"{"type":"holiday_mode","shop":"s","from":"2026-07-18T02:00:00Z"}"#,
        r#"{"type":"weekend_coverage","shop":"s","from":"2026-07-18T02:00:00Z","to":"2026-07-19T02:00:00Z"}"#,
        r#"{"type":"operating_hours","shop":"s","at":"2026-07-18T02:00:00Z","hours":{"mon":[["09:00","18:00"]]}}"#,
        r#"{"type":"public_holiday","shop":"s","date":"2026-07-20","name":"Extra"}"#,
        r#"{"type":"buyer","shop":"s","buyer":"b","at":"2026-07-18T02:00:00Z","blocked":true,"account_state":"frozen"}"#,
        r#"{"type":"mark","shop":"s","conversation":"c","at":"2026-07-18T02:00:00Z","action":"no_response_needed","agent":"a"}"#,
        r#"{"type":"rating","shop":"s","conversation":"c","at":"2026-07-18T02:00:00Z","score":"very_dissatisfied"}"#,
        r#"{"type":"order","shop":"s","buyer":"b","id":"o1","at":"2026-07-18T02:00:00Z","amount":12.5,"currency":"MYR","status":"paid"}"#,
    ];
    for line in lines {
        let event = parse_line(line).unwrap().unwrap();
        assert_eq!(serde_json::to_string(&event).unwrap(), line);
    }
}
