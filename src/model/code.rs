//! Every reason a request can fail, in one closed table: the stable code
//! clients match on, the HTTP status it answers with, a title for people
//! and when it is answered (the OpenAPI document lists it per route). A new
//! reason is a new variant, whose row the compiler asks for; the JSON API
//! (problem+json) and the web pages both map from it.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

macro_rules! error_codes {
    ($($variant:ident = $code:literal, $status:literal, $title:literal, $meaning:literal;)*) => {
        /// A stable, machine-readable reason (the `code` of a problem).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
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

            /// When it is answered, for the contract's readers.
            pub const fn meaning(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $meaning,)*
                }
            }
        }
    };
}

error_codes! {
    MalformedJson = "malformed_json", 400, "Malformed JSON", "the body is not the JSON the route expects (syntax, a missing or mistyped field, invalid UTF-8)";
    InvalidInput = "invalid_input", 400, "Invalid input", "a value is out of bounds or ill-formed; `detail` names it";
    UnknownRevision = "unknown_revision", 400, "Unknown revision", "the base revision named is not one of this page's";
    LockedField = "locked_field", 400, "Locked field", "the change touches a rule the parent space locked";
    StepTooHeavy = "step_too_heavy", 400, "Step too heavy", "the sanctions ladder says an earlier step comes first (graduated sanctions)";
    Unauthenticated = "unauthenticated", 401, "Authentication required", "no valid session cookie or bearer token, or wrong credentials";
    Forbidden = "forbidden", 403, "Forbidden", "the charter does not let this account do that here; `detail` gives the rule";
    NotMember = "not_member", 403, "Not a member", "the action is for members of the space";
    ProtectedPage = "protected_page", 403, "Protected page", "the page is protected: editing it takes a higher standing";
    DisputedPage = "disputed_page", 403, "Disputed page", "the page is under dispute: until it is resolved, editing takes a higher standing";
    Suspended = "suspended", 403, "Suspended", "a sanction in force suspends this account here";
    Banned = "banned", 403, "Banned", "this account is banned from the space";
    SelfApproval = "self_approval", 403, "Self-approval", "authors may not approve their own contributions";
    ConflictOfInterest = "conflict_of_interest", 403, "Conflict of interest", "parties to a case may not decide it";
    NeedsProposal = "needs_proposal", 403, "Needs a proposal", "the charter says this goes through a proposal";
    NotEligible = "not_eligible", 403, "Not eligible", "this account may not vote on this proposal";
    NotFound = "not_found", 404, "Not found", "no such route, space, page, account or record (hidden spaces answer this too)";
    MethodNotAllowed = "method_not_allowed", 405, "Method not allowed", "the route does not answer this method";
    EditConflict = "edit_conflict", 409, "Edit conflict", "the page changed since the base and the changes overlap; carries `head_revision` and `merged` (the text with conflict markers)";
    UsernameTaken = "username_taken", 409, "Username taken", "an account already has this username";
    NameTaken = "name_taken", 409, "Name taken", "a token of yours already has this name";
    PageExists = "page_exists", 409, "Page exists", "a page already has this title";
    SpaceExists = "space_exists", 409, "Space exists", "a space already has this slug";
    NotPending = "not_pending", 409, "Not pending", "the revision is no longer waiting for review";
    ProposalClosed = "proposal_closed", 409, "Proposal closed", "the proposal is decided; votes are closed";
    NoEligibleVoters = "no_eligible_voters", 409, "No eligible voters", "nobody could vote on such a proposal";
    AlreadyAppealed = "already_appealed", 409, "Already appealed", "the sanction was already appealed";
    NotInForce = "not_in_force", 409, "Not in force", "the sanction has ended or was lifted";
    AlreadyDisputed = "already_disputed", 409, "Already disputed", "the page is already under dispute";
    NotDisputed = "not_disputed", 409, "Not disputed", "the page is not under dispute";
    LastSteward = "last_steward", 409, "Last steward", "the space's only steward may not leave it: another steward comes first (a role_change proposal)";
    HasStewards = "has_stewards", 409, "Has stewards", "the space (or a parent) still has a steward to act";
    Deleted = "deleted", 410, "Page deleted", "the page's head is a deletion (history remains)";
    TooLarge = "too_large", 413, "Too large", "the body is over the route's limit";
    UriTooLong = "uri_too_long", 414, "Request target too long", "the request target is over 8 KiB";
    MissingBase = "missing_base", 428, "Base revision required", "the page exists and no base revision (`base_revision` or `If-Match`) was named";
    RateLimited = "rate_limited", 429, "Too many requests", "too many such requests from this client; `Retry-After` says when to try again";
    Internal = "internal", 500, "Internal error", "a fault on the server, logged; the request may be retried";
    Busy = "busy", 503, "Busy", "the server's workers are saturated; retry shortly";
    Timeout = "timeout", 503, "Request timed out", "the request took longer than the server allows";
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
