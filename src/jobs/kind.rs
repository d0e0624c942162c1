//! The kinds of job: what the metrics count by, each with its Prometheus label.

/// Declares `JobKind` and its `ALL` and `label()` from one list, so that no kind can be left
/// out of `ALL` (the metrics would have no slot for it) and `ALL` is in declaration order
/// (`kind as usize` is its index there).
macro_rules! job_kinds {
    ($($(#[doc = $doc:literal])* $kind:ident => $label:literal,)+) => {
        /// A job's kind: the index of its counters and the `kind` label of its metrics.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum JobKind {
            $($(#[doc = $doc])* $kind,)+
        }

        impl JobKind {
            /// Every kind, in the order metrics and the staff dashboard list them.
            pub const ALL: [JobKind; [$(JobKind::$kind),+].len()] = [$(JobKind::$kind),+];

            /// The Prometheus label (`uzmat_jobs_completed_total{kind="view"}`).
            pub fn label(self) -> &'static str {
                match self {
                    $(JobKind::$kind => $label,)+
                }
            }
        }
    };
}

job_kinds! {
    /// `Job::View`.
    View => "view",
    /// `Job::FoldViews`.
    FoldViews => "view_fold",
    /// `Job::PruneViewDays`.
    PruneViewDays => "view_days_prune",
    /// `Job::Bump`.
    Bump => "bump",
    /// `Job::UnreadCache`.
    UnreadCache => "unread_cache",
    /// `Job::TouchSession`.
    TouchSession => "session_touch",
    /// `Job::SweepSessions`.
    SweepSessions => "session_sweep",
    /// `Job::DeliverMail`.
    DeliverMail => "mail",
    /// `Job::ResizePhotos`.
    ResizePhotos => "photo_resize",
    /// `Job::DeleteFiles`.
    DeleteFiles => "file_delete",
    /// `Job::SweepUploads`.
    SweepUploads => "upload_sweep",
    /// `Job::RecomputeUsd`.
    RecomputeUsd => "usd_recompute",
    /// `Job::RefreshRates`.
    RefreshRates => "rates_refresh",
    /// `Job::PhoneReveal`.
    PhoneReveal => "phone_reveal",
    /// `Job::ChatMail`.
    ChatMail => "chat_mail",
    /// `Job::Promotions`.
    Promotions => "promotions",
    /// `Job::CheckWords`.
    CheckWords => "stop_words",
    /// `Job::SampleMetrics`.
    SampleMetrics => "metrics_sample",
    /// `Job::Broadcast`.
    Broadcast => "broadcast",
    /// `Job::Telegram`.
    Telegram => "telegram",
    /// `Job::Backup`.
    Backup => "backup",
    /// `Job::Alerts`.
    Alerts => "alerts",
    /// `Job::RentalRequests`.
    RentalRequests => "rental_requests",
    /// `Job::Probe`.
    Probe => "probe",
}

impl JobKind {
    /// The kind's slot in per-kind arrays such as the metrics'.
    pub fn index(self) -> usize {
        self as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_its_own_slot_and_label() {
        for (i, kind) in JobKind::ALL.iter().enumerate() {
            assert_eq!(kind.index(), i, "{kind:?} is out of place in ALL");
        }
        let mut labels: Vec<_> = JobKind::ALL.iter().map(|k| k.label()).collect();
        labels.sort_unstable();
        labels.dedup();
        assert_eq!(labels.len(), JobKind::ALL.len(), "two kinds share a label");
    }
}
