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

use serde::Deserialize;
use utoipa::IntoParams;

use crate::service::{ListRequest, ServiceResult};

/// `?limit=&cursor=`: every list pages this way.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Items per page: 1 to 500, default 50.
    pub limit: Option<usize>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

impl ListParams {
    pub fn request(&self) -> ServiceResult<ListRequest<'_>> {
        ListRequest::new(self.cursor.as_deref(), self.limit)
    }
}
