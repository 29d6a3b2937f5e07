//! Optimistic writes, tried again: every write reads what it rests on,
//! decides, and asks the store to write *if nothing it rested on moved*
//! (a page's head, a proposal's votes, a member's newest sanction…). When
//! something did, the store says so and the write is planned again on
//! fresh facts. [`optimistically!`] is the one loop that does it, with the
//! one bound.

/// How many times a write is planned at most. Each round, some concurrent
/// write succeeds (that is why this one must plan again), so only more
/// than this many writers racing on one record at once ever see 503
/// `busy`, with `Retry-After`.
pub(super) const MAX_ATTEMPTS: usize = 64;

/// Runs its body, which `continue`s to plan again and `return`s when done
/// or refused, at most [`MAX_ATTEMPTS`] times; then evaluates to 503
/// `busy`. A loop rather than a function taking a closure: the body
/// borrows the request's state and awaits, which closures cannot yet do
/// in a future that must be `Send`.
macro_rules! optimistically {
    ($($body:tt)*) => {{
        for _ in 0..$crate::service::retry::MAX_ATTEMPTS {
            $($body)*
        }
        Err($crate::service::ServiceError::Busy)
    }};
}

pub(super) use optimistically;
