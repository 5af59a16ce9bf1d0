//! The Metrics page's command: the offline review of every shop over a date range, from the
//! local file, with the engine's own figures (`Store::review`).

use chrono::NaiveDate;
use kedai_core::Ts;
use kedai_store::Store;
use tauri::State;

use crate::clock::ms;
use crate::dto::{AppError, FigureView};
use crate::dto_settings::*;
use crate::state::AppState;

fn date(s: &str) -> Result<NaiveDate, AppError> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| AppError::new("invalid", format!("`{s}` is not a date (YYYY-MM-DD)")))
}

fn figures(m: &kedai_core::ShopMetrics) -> Vec<FigureView> {
    m.figures
        .iter()
        .map(|(id, f)| FigureView::new(id, f))
        .collect()
}

/// Every shop's review over the local days `from..=to`, as of `now`.
pub fn review(
    s: &Store,
    from: NaiveDate,
    to: NaiveDate,
    now: Ts,
) -> Result<MetricsReview, AppError> {
    let mut shops = Vec::new();
    for (shop, _) in s.shops()? {
        let r = s.review(&shop.shop, from, to, now)?;
        shops.push(ShopReviewView {
            shop: r.shop.shop.clone(),
            name: r.shop.name.clone(),
            platform: r.shop.platform.as_str().into(),
            region: r.shop.region.as_str().into(),
            tz: r.shop.tz.name().into(),
            days: r.days.iter().map(PointView::from).collect(),
            weeks: r.weeks.iter().map(PointView::from).collect(),
            evaluation: r.evaluation.as_ref().map(|e| EvaluationView {
                at: ms(e.at),
                week_from: ms(e.week_from),
                week_to: ms(e.week_to),
                figures: figures(&e.metrics),
                current: figures(&e.current),
                open_now: u32::try_from(e.open_now).unwrap_or(u32::MAX),
            }),
            misses: r.misses.iter().map(MissView::from).collect(),
            misses_total: u32::try_from(r.misses_total).unwrap_or(u32::MAX),
        });
    }
    Ok(MetricsReview {
        now: ms(now),
        from: from.to_string(),
        to: to.to_string(),
        shops,
    })
}

fn csv_cell(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// Every figure of every day and week of the review, one CSV line each, as the engine gave
/// it: `value` is a fraction for rates and whole seconds for times, as in `kedai metrics`.
pub fn csv(r: &MetricsReview) -> String {
    let mut out = String::from(
        "shop,platform,bucket,date,at,metric,value,numerator,denominator,pending,status\n",
    );
    for s in &r.shops {
        for (bucket, points) in [("day", &s.days), ("week", &s.weeks)] {
            for p in points {
                let at = kedai_core::time::from_ms(p.at as i64).to_rfc3339();
                for f in &p.figures {
                    let cells = [
                        s.shop.clone(),
                        s.platform.clone(),
                        bucket.to_owned(),
                        p.date.clone(),
                        at.clone(),
                        f.id.clone(),
                        f.value.map(|v| v.to_string()).unwrap_or_default(),
                        f.numerator.to_string(),
                        f.denominator.to_string(),
                        f.pending.to_string(),
                        f.status.clone(),
                    ];
                    let line: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
                    out.push_str(&line.join(","));
                    out.push('\n');
                }
            }
        }
    }
    out
}

/// Writes the review's CSV to a new file at `path`; answers with the path written.
#[tauri::command]
pub async fn export_metrics_csv(
    state: State<'_, AppState>,
    from: String,
    to: String,
    path: String,
) -> Result<String, AppError> {
    let (from, to) = (date(&from)?, date(&to)?);
    let path = std::path::PathBuf::from(path.trim());
    if path.as_os_str().is_empty() {
        return Err(AppError::new("invalid", "export: choose a file to write"));
    }
    let now = state.clock.now();
    let text = state
        .db
        .call(move |s| review(s, from, to, now).map(|r| csv(&r)))
        .await??;
    let shown = path.display().to_string();
    let mut f = std::fs::File::create_new(&path)
        .map_err(|e| AppError::new("invalid", format!("export: {shown}: {e}")))?;
    std::io::Write::write_all(&mut f, text.as_bytes())
        .map_err(|e| AppError::new("io", format!("export: {shown}: {e}")))?;
    Ok(shown)
}

#[tauri::command]
pub async fn metrics_review(
    state: State<'_, AppState>,
    from: String,
    to: String,
) -> Result<MetricsReview, AppError> {
    let (from, to) = (date(&from)?, date(&to)?);
    let now = state.clock.now();
    state.db.call(move |s| review(s, from, to, now)).await?
}

#[cfg(test)]
mod tests {
    use kedai_core::time::parse_instant;

    use super::*;

    /// The page's figures are `kedai metrics --db FILE --at INSTANT --json`'s, for the same
    /// file and instant: the same report type, serialized the same way.
    #[test]
    fn the_metrics_page_shows_the_figures_kedai_metrics_prints() {
        let mut s = Store::open_in_memory().unwrap();
        s.import_log(include_str!("../../samples/sample-events.jsonl"), false)
            .unwrap();
        let now = parse_instant("2026-07-20T12:00:00+08:00").unwrap();
        let from = NaiveDate::from_ymd_opt(2026, 7, 6).unwrap();
        let to = NaiveDate::from_ymd_opt(2026, 7, 20).unwrap();
        let page = review(&s, from, to, now).unwrap();
        assert_eq!(page.shops.len(), 3);
        let mut checked = 0;
        for shop in &page.shops {
            for p in shop.days.iter().chain(&shop.weeks) {
                let at = kedai_core::time::from_ms(p.at as i64);
                // What `kedai metrics --db` prints for this shop at this instant.
                let (decl, _) = s.shop(&shop.shop).unwrap();
                let cli =
                    kedai_core::engine::ShopReport::new(&decl, s.metrics(&shop.shop, at).unwrap());
                let cli = serde_json::to_value(&cli).unwrap();
                for f in &p.figures {
                    let want = &cli["metrics"][&f.id];
                    assert_eq!(
                        f.numerator as u64,
                        want["numerator"].as_u64().unwrap(),
                        "{} {} {}",
                        shop.shop,
                        p.date,
                        f.id
                    );
                    assert_eq!(
                        f.denominator as u64,
                        want["denominator"].as_u64().unwrap(),
                        "{} {} {}",
                        shop.shop,
                        p.date,
                        f.id
                    );
                    assert_eq!(
                        f.value,
                        want["value"].as_f64(),
                        "{} {} {}",
                        shop.shop,
                        p.date,
                        f.id
                    );
                    assert_eq!(f.status, want["status"].as_str().unwrap());
                    checked += 1;
                }
                assert_eq!(p.figures.len(), cli["metrics"].as_object().unwrap().len());
            }
        }
        assert!(checked > 100, "{checked}");
        // The CSV carries the same figures: one line per figure, numerators summing alike.
        let text = csv(&page);
        let lines: Vec<&str> = text.lines().skip(1).collect();
        assert_eq!(lines.len(), checked);
        let sum_csv: u64 = lines
            .iter()
            .map(|l| l.split(',').nth(7).unwrap().parse::<u64>().unwrap())
            .sum();
        let sum_page: u64 = page
            .shops
            .iter()
            .flat_map(|s| s.days.iter().chain(&s.weeks))
            .flat_map(|p| &p.figures)
            .map(|f| f.numerator as u64)
            .sum();
        assert_eq!(sum_csv, sum_page);
        assert_eq!(date("2026-13-01").unwrap_err().kind, "invalid");
    }
}
