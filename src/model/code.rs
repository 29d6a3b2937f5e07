//! Every reason a request can fail, in one closed table: the stable code
//! clients match on, the HTTP status it answers with, and a title for
//! people. A new reason is a new variant, whose row the compiler asks for;
//! the JSON API (problem+json) and the web pages both map from it.

use serde::Serialize;
use utoipa::ToSchema;

macro_rules! error_codes {
    ($($variant:ident = $code:literal, $status:literal, $title:literal;)*) => {
        /// A stable, machine-readable reason (the `code` of a problem).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum ErrorCode {
            $($variant,)*
        }

        impl ErrorCode {
            /// Every code, in the table's order.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)*];

            /// The code as clients see it: `edit_conflict`.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $code,)*
                }
            }

            /// The HTTP status it answers with.
            pub const fn status(self) -> u16 {
                match self {
                    $(ErrorCode::$variant => $status,)*
                }
            }

            /// A short title for people (in English; pages translate codes).
            pub const fn title(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $title,)*
                }
            }
        }
    };
}

error_codes! {
    MalformedJson = "malformed_json", 400, "Malformed JSON";
    InvalidInput = "invalid_input", 400, "Invalid input";
    UnknownRevision = "unknown_revision", 400, "Unknown revision";
    LockedField = "locked_field", 400, "Locked field";
    StepTooHeavy = "step_too_heavy", 400, "Step too heavy";
    Unauthenticated = "unauthenticated", 401, "Authentication required";
    Forbidden = "forbidden", 403, "Forbidden";
    NotMember = "not_member", 403, "Not a member";
    ProtectedPage = "protected_page", 403, "Protected page";
    DisputedPage = "disputed_page", 403, "Disputed page";
    Suspended = "suspended", 403, "Suspended";
    Banned = "banned", 403, "Banned";
    SelfApproval = "self_approval", 403, "Self-approval";
    ConflictOfInterest = "conflict_of_interest", 403, "Conflict of interest";
    NeedsProposal = "needs_proposal", 403, "Needs a proposal";
    NotEligible = "not_eligible", 403, "Not eligible";
    NotFound = "not_found", 404, "Not found";
    MethodNotAllowed = "method_not_allowed", 405, "Method not allowed";
    EditConflict = "edit_conflict", 409, "Edit conflict";
    UsernameTaken = "username_taken", 409, "Username taken";
    NameTaken = "name_taken", 409, "Name taken";
    PageExists = "page_exists", 409, "Page exists";
    SpaceExists = "space_exists", 409, "Space exists";
    NotPending = "not_pending", 409, "Not pending";
    ProposalClosed = "proposal_closed", 409, "Proposal closed";
    NoEligibleVoters = "no_eligible_voters", 409, "No eligible voters";
    AlreadyAppealed = "already_appealed", 409, "Already appealed";
    NotInForce = "not_in_force", 409, "Not in force";
    AlreadyDisputed = "already_disputed", 409, "Already disputed";
    NotDisputed = "not_disputed", 409, "Not disputed";
    HasStewards = "has_stewards", 409, "Has stewards";
    Deleted = "deleted", 410, "Page deleted";
    TooLarge = "too_large", 413, "Too large";
    UriTooLong = "uri_too_long", 414, "Request target too long";
    MissingBase = "missing_base", 428, "Base revision required";
    RateLimited = "rate_limited", 429, "Too many requests";
    Internal = "internal", 500, "Internal error";
    Busy = "busy", 503, "Busy";
    Timeout = "timeout", 503, "Request timed out";
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_statuses_are_errors() {
        let mut seen = std::collections::BTreeSet::new();
        for code in ErrorCode::ALL {
            assert!(seen.insert(code.as_str()), "{code} twice");
            assert!((400..600).contains(&code.status()), "{code}");
            assert!(!code.title().is_empty());
            let json = serde_json::to_value(code).unwrap();
            assert_eq!(json, code.as_str(), "serde and as_str agree");
        }
    }
}
