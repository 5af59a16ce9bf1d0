//! The Settings page's commands: each shop fact (holiday mode, weekend coverage, operating
//! hours, region and zone) is written by the store as a fact of the shop's timeline at the
//! app's `now`, so deadlines are recomputed and the pump's next `inbox://changed` refreshes
//! the inbox and header; the rules editor, quick replies, word lists and guard levels are
//! the automation store's; backup and export write the file elsewhere.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::OnceLock;

use kedai_core::automation::guard::GuardRule;
use kedai_core::automation::lexicon::Entry;
use kedai_core::automation::rules::platform_effect;
use kedai_core::automation::suggest::Template;
use kedai_core::automation::Intent;
use kedai_core::model::{Kind, Platform};
use kedai_core::{Policy, Ts};
use kedai_store::settings::SpanKind;
use kedai_store::{Store, TagWordEdit};
use kedai_sync::secrets::Secrets;
use tauri::State;

use crate::clock::ms;
use crate::dto::AppError;
use crate::dto_settings::*;
use crate::state::AppState;

type Res<T> = Result<T, AppError>;

fn invalid(m: impl Into<String>) -> AppError {
    AppError::new("invalid", m)
}

/// The policies whose due-soon lead a shop can set (§4: those with a lead).
fn lead_policies(platform: Platform, region: kedai_core::Region) -> Vec<Policy> {
    let mut out = vec![Policy::inbox(platform, region)];
    out.extend(Policy::secondary(platform, region));
    out.retain(|p| p.default_lead().is_some());
    out.sort();
    out.dedup();
    out
}

fn shop_view(s: &Store, shop: &str, now: Ts) -> kedai_store::Result<ShopSettingsView> {
    let (shop, settings) = s.shop(shop)?;
    let timeline = s.timeline(&shop.shop)?;
    let holiday = timeline.holiday_mode.iter().find(|h| h.contains(now));
    let mut hours: Vec<HoursSpan> = timeline
        .hours_at(now)
        .map(|h| {
            h.to_map()
                .into_iter()
                .flat_map(|(day, spans)| {
                    spans.into_iter().map(move |[open, close]| HoursSpan {
                        day: day.clone(),
                        open,
                        close,
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    // Monday first, as a week is read (the map is alphabetical).
    const WEEK: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    hours.sort_by_key(|h| (WEEK.iter().position(|d| *d == h.day), h.open.clone()));
    let leads = lead_policies(shop.platform, shop.region)
        .into_iter()
        .map(|p| {
            let minutes = |d: Option<chrono::Duration>| d.map_or(0, |d| d.num_minutes()) as u32;
            LeadView {
                policy: p.as_str().into(),
                minutes: minutes(settings.lead(p)),
                default_minutes: minutes(p.default_lead()),
            }
        })
        .collect();
    Ok(ShopSettingsView {
        name: shop.name.clone(),
        platform: shop.platform.as_str().into(),
        region: shop.region.as_str().into(),
        tz: shop.tz.name().into(),
        holiday_mode: holiday.is_some(),
        holiday_since: holiday.map(|h| ms(h.from)),
        weekend_coverage: timeline.weekend_coverage_on(now),
        hours,
        leads,
        automation_counts_as_reply: settings.automation_counts_as_reply,
        secrets: Vec::new(),
        shop: shop.shop,
    })
}

/// The secret names a shop may have (`kedai-sync`'s config keeps the rest, which is public).
const SECRET_NAMES: [&str; 4] = ["app_secret", "partner_key", "access_token", "refresh_token"];

/// Where shop secrets are kept: the OS keyring, or (no keyring service) the owner-only file
/// beside the database, as `kedai sync secret set` uses. Only ever called on the store's
/// thread, which runs no async runtime the keyring client could collide with.
fn secrets(s: &Store) -> Secrets {
    static SECRETS: OnceLock<Secrets> = OnceLock::new();
    SECRETS
        .get_or_init(|| {
            let db = s.file_path().unwrap_or_else(|| "kedai.db".into());
            Secrets::for_db(std::path::Path::new(&db))
        })
        .clone()
}

/// The names of the secrets stored for a shop (never their values).
fn secret_names(s: &Store, shop: &str) -> Vec<String> {
    match secrets(s).get(shop) {
        Ok(Some(map)) => map
            .into_iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, _)| k)
            .collect(),
        Ok(None) => Vec::new(),
        Err(e) => {
            tracing::warn!(shop, error = %e, "shop secrets unreadable");
            Vec::new()
        }
    }
}

#[tauri::command]
pub async fn settings_info(state: State<'_, AppState>) -> Res<SettingsInfo> {
    let now = state.clock.now();
    let (data_file, secrets_store, shops) = state
        .db
        .call(move |s| -> kedai_store::Result<_> {
            let mut shops = Vec::new();
            for (shop, _) in s.shops()? {
                let mut view = shop_view(s, &shop.shop, now)?;
                view.secrets = secret_names(s, &shop.shop);
                shops.push(view);
            }
            Ok((
                s.file_path().unwrap_or_default(),
                secrets(s).describe(),
                shops,
            ))
        })
        .await??;
    Ok(SettingsInfo {
        demo: state.demo(),
        data_file,
        secrets_store,
        shops,
    })
}

/// Keeps pasted tokens for a shop in the secrets store (keyring); an empty value removes
/// that secret, and no secrets at all disconnects the shop. Answers with the names kept.
#[tauri::command]
pub async fn set_shop_secrets(
    state: State<'_, AppState>,
    shop: String,
    values: BTreeMap<String, String>,
) -> Res<Vec<String>> {
    state
        .db
        .call(move |s| -> Res<Vec<String>> {
            s.shop(&shop)?;
            keep_secrets(&secrets(s), &shop, values)
        })
        .await?
}

/// Merges pasted secrets into the shop's entry (an empty value removes that secret) and
/// answers with the names now kept. Unknown names are refused before anything is written.
fn keep_secrets(store: &Secrets, shop: &str, values: BTreeMap<String, String>) -> Res<Vec<String>> {
    if let Some(k) = values.keys().find(|k| !SECRET_NAMES.contains(&k.as_str())) {
        return Err(invalid(format!(
            "unknown secret `{k}` ({})",
            SECRET_NAMES.join(", ")
        )));
    }
    let err = |e: kedai_sync::SyncError| AppError::new("secrets", e.to_string());
    let mut kept = store.get(shop).map_err(err)?.unwrap_or_default();
    for (k, v) in values {
        let v = v.trim().to_owned();
        if v.is_empty() {
            kept.remove(&k);
        } else {
            kept.insert(k, v);
        }
    }
    store.set(shop, &kept).map_err(err)?;
    Ok(kept.into_keys().collect())
}

/// Runs a shop edit at the app's `now` and answers with the shop as it now stands.
async fn edit_shop(
    state: &AppState,
    shop: String,
    edit: impl FnOnce(&mut Store, &str, Ts) -> kedai_store::Result<()> + Send + 'static,
) -> Res<ShopSettingsView> {
    let now = state.clock.now();
    Ok(state
        .db
        .call(move |s| {
            edit(s, &shop, now)?;
            let mut view = shop_view(s, &shop, now)?;
            view.secrets = secret_names(s, &shop);
            Ok::<_, kedai_store::StoreError>(view)
        })
        .await??)
}

/// §2: holiday mode on or off from now.
#[tauri::command]
pub async fn set_holiday_mode(
    state: State<'_, AppState>,
    shop: String,
    on: bool,
) -> Res<ShopSettingsView> {
    edit_shop(&state, shop, move |s, shop, now| {
        s.set_span(shop, SpanKind::HolidayMode, on, now).map(drop)
    })
    .await
}

/// §4: weekend coverage on or off from now.
#[tauri::command]
pub async fn set_weekend_coverage(
    state: State<'_, AppState>,
    shop: String,
    on: bool,
) -> Res<ShopSettingsView> {
    edit_shop(&state, shop, move |s, shop, now| {
        s.set_span(shop, SpanKind::WeekendCoverage, on, now)
            .map(drop)
    })
    .await
}

/// The operating hours from now on.
#[tauri::command]
pub async fn set_operating_hours(
    state: State<'_, AppState>,
    shop: String,
    hours: Vec<HoursSpan>,
) -> Res<ShopSettingsView> {
    let mut map: BTreeMap<String, Vec<[String; 2]>> = BTreeMap::new();
    for h in hours {
        map.entry(h.day.clone())
            .or_default()
            .push([h.open.trim().to_owned(), h.close.trim().to_owned()]);
    }
    edit_shop(&state, shop, move |s, shop, now| {
        s.set_operating_hours(shop, &map, now)
    })
    .await
}

#[tauri::command]
pub async fn set_shop_profile(
    state: State<'_, AppState>,
    shop: String,
    region: String,
    tz: String,
    name: Option<String>,
) -> Res<ShopSettingsView> {
    edit_shop(&state, shop, move |s, shop, _| {
        s.set_shop_profile(shop, &region, &tz, name.as_deref())
    })
    .await
}

/// A due-soon lead in minutes (§4), or another `ShopSettings` key.
#[tauri::command]
pub async fn set_shop_setting(
    state: State<'_, AppState>,
    shop: String,
    key: String,
    value: String,
) -> Res<ShopSettingsView> {
    edit_shop(&state, shop, move |s, shop, _| {
        s.set_setting(shop, &key, &value)
    })
    .await
}

/// A consistent copy of the data file at `path`; answers with the path written.
#[tauri::command]
pub async fn backup_data(state: State<'_, AppState>, path: String) -> Res<String> {
    let path = PathBuf::from(path.trim());
    let shown = path.display().to_string();
    state.db.call(move |s| s.backup_to(&path)).await??;
    Ok(shown)
}

/// The event log (`kedai export`) of every shop, or of one, written to a new file at `path`.
#[tauri::command]
pub async fn export_event_log(
    state: State<'_, AppState>,
    path: String,
    shop: Option<String>,
) -> Res<String> {
    let path = PathBuf::from(path.trim());
    if path.as_os_str().is_empty() {
        return Err(invalid("export: choose a file to write"));
    }
    let shown = path.display().to_string();
    state
        .db
        .call(move |s| -> Res<()> {
            let file = std::fs::File::create_new(&path)
                .map_err(|e| invalid(format!("export: {}: {e}", path.display())))?;
            let mut out = std::io::BufWriter::new(file);
            s.export(shop.as_deref().filter(|s| !s.is_empty()), &mut out)?;
            std::io::Write::flush(&mut out).map_err(|e| invalid(format!("export: {e}")))?;
            Ok(())
        })
        .await??;
    Ok(shown)
}

#[tauri::command]
pub async fn rules(state: State<'_, AppState>) -> Res<Vec<RuleView>> {
    let rules = state.db.call(|s| s.rules()).await??;
    Ok(rules.iter().map(RuleView::from).collect())
}

/// Adds or replaces a rule (by id).
#[tauri::command]
pub async fn save_rule(state: State<'_, AppState>, rule: RuleView) -> Res<Vec<RuleView>> {
    let rule = rule.to_rule()?;
    let now = state.clock.now();
    let rules = state
        .db
        .call(move |s| {
            s.save_rules(&[rule], now)?;
            s.rules()
        })
        .await??;
    Ok(rules.iter().map(RuleView::from).collect())
}

#[tauri::command]
pub async fn delete_rule(state: State<'_, AppState>, id: String) -> Res<Vec<RuleView>> {
    let now = state.clock.now();
    let rules = state
        .db
        .call(move |s| {
            s.delete_rule(&id, now)?;
            s.rules()
        })
        .await??;
    Ok(rules.iter().map(RuleView::from).collect())
}

/// Sets the rules' order: `ids` first to last; priorities become 10, 20, 30, ….
#[tauri::command]
pub async fn order_rules(state: State<'_, AppState>, ids: Vec<String>) -> Res<Vec<RuleView>> {
    let now = state.clock.now();
    let rules = state
        .db
        .call(move |s| -> kedai_store::Result<_> {
            let mut rules = s.rules()?;
            for r in &mut rules {
                let at = ids.iter().position(|i| *i == r.id).unwrap_or(ids.len());
                r.priority = 10 * (at as i32 + 1);
            }
            s.save_rules(&rules, now)?;
            s.rules()
        })
        .await??;
    Ok(rules.iter().map(RuleView::from).collect())
}

/// Which rule would fire for a sample buyer message in `shop` now, and what it does to
/// the clock there (nothing is written).
#[tauri::command]
pub async fn test_rules(
    state: State<'_, AppState>,
    shop: String,
    text: String,
) -> Res<RuleTestView> {
    let now = state.clock.now();
    let t = state
        .db
        .call(move |s| s.test_rules(&shop, None, &text, Kind::Text, now))
        .await??;
    Ok(RuleTestView {
        rule: t.rule,
        no_fire: t.no_fire.and_then(|n| {
            serde_json::to_value(n)
                .ok()
                .and_then(|v| v.get("reason").and_then(|r| r.as_str()).map(str::to_owned))
        }),
        sender: t.reply.as_ref().map(|m| m.from.as_str().to_owned()),
        reply: t.reply.and_then(|m| m.text),
        effect: t.platform.into(),
        deadline: t.clock.deadline.map(ms),
        policy: t.clock.policy.map(|p| p.as_str().to_owned()),
        weekend_moved: t.clock.weekend_moved,
        excluded: t.clock.excluded.map(|e| e.as_str().to_owned()),
        if_nothing_more: t.clock.if_nothing_more,
        if_buyer_writes_again: t.clock.if_buyer_writes_again,
    })
}

/// What an automated reply does on each platform (§3), with each shop's own setting.
#[tauri::command]
pub async fn rule_effects(state: State<'_, AppState>) -> Res<Vec<EffectView>> {
    let shops = state.db.call(|s| s.shops()).await??;
    let mut out: Vec<EffectView> = Vec::new();
    for p in [Platform::Tiktok, Platform::Shopee, Platform::Lazada] {
        let counts = shops
            .iter()
            .find(|(s, _)| s.platform == p)
            .is_some_and(|(_, st)| st.automation_counts_as_reply);
        out.push(platform_effect(p, counts).into());
    }
    Ok(out)
}

#[tauri::command]
pub async fn quick_replies(state: State<'_, AppState>, shop: String) -> Res<Vec<TemplateView>> {
    let list = state.db.call(move |s| s.quick_replies(&shop)).await??;
    Ok(list
        .into_iter()
        .map(|t| TemplateView {
            id: t.id,
            title: t.title,
            text: t.text,
        })
        .collect())
}

#[tauri::command]
pub async fn save_quick_reply(
    state: State<'_, AppState>,
    shop: String,
    template: TemplateView,
) -> Res<()> {
    if template.id.trim().is_empty() {
        return Err(invalid("a quick reply needs an id"));
    }
    let t = Template {
        id: template.id.trim().to_owned(),
        title: template.title.trim().to_owned(),
        text: template.text,
    };
    state
        .db
        .call(move |s| s.save_quick_reply(&shop, &t))
        .await??;
    Ok(())
}

fn intent(s: &str) -> Res<Intent> {
    Intent::parse(s).ok_or_else(|| invalid(format!("unknown intent `{s}`")))
}

#[tauri::command]
pub async fn word_lists(state: State<'_, AppState>, shop: String) -> Res<WordLists> {
    let (edits, disabled) = state
        .db
        .call(move |s| -> kedai_store::Result<_> {
            Ok((s.tag_word_edits(&shop)?, s.intent_tagger(&shop)?.disabled))
        })
        .await??;
    Ok(WordLists {
        edits: edits
            .into_iter()
            .map(|w| WordView {
                intent: w.intent,
                lang: w.lang,
                weight: w.weight,
                phrase: w.phrase,
                removed: w.removed,
            })
            .collect(),
        disabled: disabled.iter().map(|i| i.as_str().to_owned()).collect(),
    })
}

/// Adds a phrase to an intent's list, or (`removed`) takes one out.
#[tauri::command]
pub async fn edit_word(state: State<'_, AppState>, shop: String, word: WordView) -> Res<()> {
    let phrase = word.phrase.trim().to_owned();
    if phrase.is_empty() {
        return Err(invalid("the phrase is empty"));
    }
    let edit = if word.removed {
        TagWordEdit::Remove {
            intent: intent(&word.intent)?,
            phrase,
        }
    } else {
        intent(&word.intent)?;
        TagWordEdit::Add(Entry {
            label: word.intent,
            lang: word.lang.trim().to_owned(),
            weight: word.weight,
            phrase,
        })
    };
    state
        .db
        .call(move |s| s.edit_tag_words(&shop, &edit))
        .await??;
    Ok(())
}

#[tauri::command]
pub async fn set_intent_enabled(
    state: State<'_, AppState>,
    shop: String,
    intent_id: String,
    enabled: bool,
) -> Res<()> {
    let i = intent(&intent_id)?;
    state
        .db
        .call(move |s| s.set_tag_enabled(&shop, i, enabled))
        .await??;
    Ok(())
}

#[tauri::command]
pub async fn guard_levels(state: State<'_, AppState>, shop: String) -> Res<Vec<GuardLevel>> {
    let settings = state.db.call(move |s| s.guard_settings(&shop)).await??;
    Ok(GuardRule::ALL
        .into_iter()
        .map(|r| GuardLevel {
            rule: r.as_str().into(),
            explain: r.explain().into(),
            block: settings.blocked.contains(&r),
        })
        .collect())
}

#[tauri::command]
pub async fn set_guard_level(
    state: State<'_, AppState>,
    shop: String,
    rule: String,
    block: bool,
) -> Res<()> {
    let rule = GuardRule::parse(&rule).map_err(invalid)?;
    state
        .db
        .call(move |s| s.set_guard_block(&shop, rule, block))
        .await??;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    /// Pasted tokens land in kedai-sync's secrets store (here its owner-only file fallback),
    /// never elsewhere; an empty value takes one out; unknown names change nothing.
    #[test]
    fn pasted_tokens_are_kept_in_the_secrets_store_and_can_be_taken_out() {
        let dir = tempfile::tempdir().unwrap();
        let store = Secrets::File(dir.path().join("kedai-secrets.json"));
        let kept = keep_secrets(
            &store,
            "tt-my",
            map(&[("access_token", " A1 "), ("refresh_token", "R1")]),
        )
        .unwrap();
        assert_eq!(kept, ["access_token", "refresh_token"]);
        assert_eq!(
            store.get("tt-my").unwrap().unwrap()["access_token"],
            "A1",
            "trimmed as pasted"
        );
        let e = keep_secrets(&store, "tt-my", map(&[("password", "x")])).unwrap_err();
        assert_eq!(e.kind, "invalid");
        assert_eq!(store.get("tt-my").unwrap().unwrap().len(), 2);
        // Disconnect: every secret emptied.
        let kept = keep_secrets(
            &store,
            "tt-my",
            map(&[("access_token", ""), ("refresh_token", "")]),
        )
        .unwrap();
        assert!(kept.is_empty());
        assert_eq!(store.get("tt-my").unwrap(), Some(BTreeMap::new()));
    }
}
