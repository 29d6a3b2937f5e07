//! Integration tests: each starts the real server on 127.0.0.1:0 with its own
//! data folder and talks HTTP to it (crash tests run the real binary).
//! One test binary with modules, so it links once.

mod abilities;
mod accounts;
mod admin_powers;
mod concurrency;
mod crash;
mod crash_votes;
mod disputes;
mod edge;
mod errors;
mod governance_races;
mod governance_story;
mod hostile;
mod lists;
mod openapi;
mod pages;
mod proposals;
mod render_props;
mod render_safety;
mod render_snapshots;
mod render_spec;
mod rendering;
mod replay;
mod restart;
mod reviews;
mod sanctions;
mod search;
mod search_known_items;
mod support;
mod tidy;
mod visibility;
mod walkthrough;
mod web;
