//! A rule's reply template: its variables, checked when the rule is saved, and filled
//! when it fires.

pub const VARIABLES: [&str; 4] = ["buyer_name", "order_id", "shop_hours", "next_opening"];

pub(super) fn template_variables(text: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let close = after
            .find('}')
            .ok_or_else(|| format!("`{{` without `}}` in the reply: `{}`", &rest[open..]))?;
        out.push(after[..close].trim().to_owned());
        rest = &after[close + 1..];
    }
    Ok(out)
}

/// What a template's variables stand for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TemplateValues {
    pub buyer_name: Option<String>,
    pub order_id: Option<String>,
    pub shop_hours: Option<String>,
    pub next_opening: Option<String>,
}

/// Fills `{variable}`s; a value the shop does not have reads as an empty string, with the
/// space before it dropped ("Hi {buyer_name}," → "Hi,").
pub fn fill(template: &str, values: &TemplateValues) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        out.push_str(&rest[..open]);
        let value = match rest[open + 1..open + close].trim() {
            "buyer_name" => values.buyer_name.as_deref(),
            "order_id" => values.order_id.as_deref(),
            "shop_hours" => values.shop_hours.as_deref(),
            "next_opening" => values.next_opening.as_deref(),
            _ => None,
        };
        match value {
            Some(v) => out.push_str(v),
            None => {
                while out.ends_with(' ') {
                    out.pop();
                }
            }
        }
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    out
}
