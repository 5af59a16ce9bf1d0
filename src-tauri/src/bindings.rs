//! The TypeScript types of `dto.rs`, rendered into one file the UI imports
//! (`ui/src/lib/bindings/index.ts`). A test fails when the committed file is stale;
//! `UPDATE_BINDINGS=1 cargo test -p kedai-desktop bindings` rewrites it.

use ts_rs::TS;

use crate::dto::*;
use crate::dto_chat::*;
use crate::dto_settings::*;

pub fn render() -> String {
    let decls = [
        AppError::decl(),
        InboxQuery::decl(),
        Row::decl(),
        Count::decl(),
        InboxPage::decl(),
        Message::decl(),
        Excluded::decl(),
        FigureView::decl(),
        ShopHeader::decl(),
        Header::decl(),
        AgentView::decl(),
        ShopSync::decl(),
        NotifySettings::decl(),
        NotifyStatus::decl(),
        ShopInfo::decl(),
        AppInfo::decl(),
        Changed::decl(),
        OpenChat::decl(),
        // Settings and Metrics pages (dto_settings.rs).
        HoursSpan::decl(),
        LeadView::decl(),
        ShopSettingsView::decl(),
        SettingsInfo::decl(),
        RuleView::decl(),
        EffectView::decl(),
        RuleTestView::decl(),
        TemplateView::decl(),
        WordView::decl(),
        WordLists::decl(),
        GuardLevel::decl(),
        PointView::decl(),
        MissView::decl(),
        EvaluationView::decl(),
        ShopReviewView::decl(),
        MetricsReview::decl(),
        CardField::decl(),
        ChatMessageView::decl(),
        OutboxView::decl(),
        ChatPageView::decl(),
        InquiryView::decl(),
        ComposerLimits::decl(),
        FilledTemplate::decl(),
        SuggestionView::decl(),
        ChatActionView::decl(),
        ChatContext::decl(),
        FindingView::decl(),
        GuardView::decl(),
        SendResult::decl(),
        InsightTag::decl(),
        Money::decl(),
        OrderView::decl(),
        BuyerPanel::decl(),
        OrderChatView::decl(),
        ConnectRequest::decl(),
        ConnectProgress::decl(),
        ModeChanged::decl(),
    ];
    let mut out = String::from(
        "// Generated from src-tauri/src/dto.rs by ts-rs: do not edit.\n\
         // Regenerate: UPDATE_BINDINGS=1 cargo test -p kedai-desktop bindings\n\n",
    );
    for d in decls {
        out.push_str("export ");
        out.push_str(&d);
        out.push_str("\n\n");
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    #[test]
    fn bindings_are_current() {
        let path =
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ui/src/lib/bindings/index.ts");
        let fresh = super::render();
        if std::env::var_os("UPDATE_BINDINGS").is_some() {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &fresh).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == fresh,
            "ui/src/lib/bindings/index.ts is stale: run UPDATE_BINDINGS=1 cargo test -p kedai-desktop bindings"
        );
    }
}
