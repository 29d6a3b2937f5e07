//! The JSON API's handlers (`/api/v1/...` and operations), one file per area.

pub mod accounts;
pub mod admin;
pub mod changes;
pub mod disputes;
pub mod feeds;
pub mod governance;
pub mod links;
pub mod ops;
pub mod pages;
pub mod proposals;
pub mod sanctions;
pub mod search;
pub mod spaces;
