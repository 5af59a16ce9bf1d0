//! Per-shop settings that change the clock (`response-rules.md` names each one).

use std::collections::BTreeMap;

use chrono::Duration;
use serde::{Deserialize, Serialize};

use crate::policy::Policy;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShopSettings {
    /// §3 `tiktok.automation_counts_as_reply`: count an auto / bot answer as responded
    /// (seed 004) instead of leaving it out of the rate (seed 000). Default off.
    pub automation_counts_as_reply: bool,
    /// §5 `shopee.recent_weight`: weight of the most recent quarter of decided inquiries.
    pub shopee_recent_weight: u32,
    /// §4: due-soon lead per policy, in minutes, where it differs from the default.
    pub lead_minutes: BTreeMap<Policy, i64>,
}

impl Default for ShopSettings {
    fn default() -> Self {
        ShopSettings {
            automation_counts_as_reply: false,
            shopee_recent_weight: 2,
            lead_minutes: BTreeMap::new(),
        }
    }
}

impl ShopSettings {
    pub fn lead(&self, policy: Policy) -> Option<Duration> {
        match self.lead_minutes.get(&policy) {
            Some(&m) => Some(Duration::minutes(m)),
            None => policy.default_lead(),
        }
    }

    /// Applies `key=value` as a user writes it (`tiktok.automation_counts_as_reply=true`,
    /// `shopee.recent_weight=3`, `lead.tiktok.12h=90` minutes).
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), String> {
        let bad = |what: &str| format!("setting `{key}`: `{value}` is not {what}");
        match key {
            "tiktok.automation_counts_as_reply" => {
                self.automation_counts_as_reply =
                    value.parse().map_err(|_| bad("true or false"))?;
            }
            "shopee.recent_weight" => {
                let w: u32 = value
                    .parse()
                    .map_err(|_| bad("a whole number from 1 to 100"))?;
                if !(1..=100).contains(&w) {
                    return Err(bad("a whole number from 1 to 100"));
                }
                self.shopee_recent_weight = w;
            }
            _ => {
                let policy = key
                    .strip_prefix("lead.")
                    .and_then(Policy::parse)
                    .filter(|p| p.default_lead().is_some())
                    .ok_or_else(|| {
                        format!(
                            "unknown setting `{key}` (tiktok.automation_counts_as_reply, \
                             shopee.recent_weight, lead.<policy> in minutes)"
                        )
                    })?;
                let m: i64 = value
                    .parse()
                    .ok()
                    .filter(|m| (0..=24 * 60).contains(m))
                    .ok_or_else(|| bad("a number of minutes from 0 to 1440"))?;
                self.lead_minutes.insert(policy, m);
            }
        }
        Ok(())
    }

    /// Every setting as `key=value` pairs, the inverse of [`ShopSettings::set`].
    pub fn entries(&self) -> Vec<(String, String)> {
        let mut out = vec![
            (
                "tiktok.automation_counts_as_reply".to_owned(),
                self.automation_counts_as_reply.to_string(),
            ),
            (
                "shopee.recent_weight".to_owned(),
                self.shopee_recent_weight.to_string(),
            ),
        ];
        for (p, m) in &self.lead_minutes {
            out.push((format!("lead.{p}"), m.to_string()));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_round_trip_through_key_value_pairs() {
        let mut s = ShopSettings::default();
        s.set("tiktok.automation_counts_as_reply", "true").unwrap();
        s.set("lead.tiktok.12h", "90").unwrap();
        let mut again = ShopSettings::default();
        for (k, v) in s.entries() {
            again.set(&k, &v).unwrap();
        }
        assert_eq!(again, s);
        assert_eq!(s.lead(Policy::Tiktok12h), Some(Duration::minutes(90)));
        assert_eq!(s.lead(Policy::Tiktok24h), Some(Duration::hours(4)));
    }

    #[test]
    fn a_wrong_setting_names_the_problem() {
        let mut s = ShopSettings::default();
        assert!(s
            .set("tiktok.automation_counts_as_reply", "yes")
            .unwrap_err()
            .contains("true or false"));
        assert!(s
            .set("lead.lazada.10min", "5")
            .unwrap_err()
            .contains("unknown setting"));
        assert!(s
            .set("colour", "red")
            .unwrap_err()
            .contains("unknown setting `colour`"));
        assert!(s.set("shopee.recent_weight", "0").is_err());
    }
}
