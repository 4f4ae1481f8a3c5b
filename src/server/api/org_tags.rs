//! An organization's tags, summed over its issues, as Sentry's search bar reads them to
//! complete keys and values: `GET /api/0/organizations/{org}/tags/` (every key with its totals)
//! and `GET …/tags/{key}/values/` (a key's values, most common first, those containing `query`
//! when given, paginated). `project` (ids or slugs, `-1` for all) narrows both; counts cover
//! every environment and all time, as sift counts tags per issue without either.

use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use axum::routing::get;
use serde_json::Value;

use super::issues::projects_param;
use super::notes::{key_json, value_json, value_order};
use super::params::{PageRequest, Params, link_header};
use super::{PathArgs, both, json_response, org_named};
use crate::server::{ApiError, AppState};
use crate::store::tags::{self as store_tags, Scope};

/// Adds the organization tag routes under the organization prefix `o`.
pub fn routes(api: Router<Arc<AppState>>, o: &str) -> Router<Arc<AppState>> {
    let api = both(api, &format!("{o}/tags/"), get(keys));
    both(api, &format!("{o}/tags/{{key}}/values/"), get(values))
}

/// Sentry's rule for a tag key in a path.
fn valid_key(key: &str) -> bool {
    !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | ':' | '-'))
}

/// `GET …/tags/`: one page with every key (an organization has few). Feature flags
/// (`useFlagsBackend=1`) are a feature sift lacks: none.
async fn keys(
    State(state): State<Arc<AppState>>,
    path: PathArgs,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let params = Params::from_uri(&uri);
    let flags = params.flag("useFlagsBackend");
    let value = state
        .store
        .read(move |conn| {
            let org = org_named(conn, &path)?;
            let projects = projects_param(conn, &org, &params)?;
            if flags {
                return Ok(Vec::new());
            }
            let keys = store_tags::org_tag_keys(conn, Scope { org_id: org.id, projects: &projects })?;
            Ok(keys.iter().map(key_json).collect::<Vec<_>>())
        })
        .await?;
    let page = PageRequest { limit: value.len().max(1), offset: 0 };
    let extra = link_header(&uri, &headers, page, false).map(|l| vec![("link", l)]).unwrap_or_default();
    Ok(json_response(Value::Array(value), extra))
}

/// `GET …/tags/{key}/values/`: `query` keeps the values containing it (ignoring case), `sort`
/// as for an issue's values. A key no issue has answers an empty list.
async fn values(
    State(state): State<Arc<AppState>>,
    path: PathArgs,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let key = path.get("key").cloned().unwrap_or_default();
    if !valid_key(&key) {
        return Err(ApiError::bad_request(format!("Invalid tag key format for {key:?}")));
    }
    let params = Params::from_uri(&uri);
    let page = params.page(100, 1000)?;
    let order = value_order(&params)?;
    let contains = params.get("query").filter(|q| !q.is_empty()).map(str::to_string);
    let (items, more) = state
        .store
        .read(move |conn| {
            let org = org_named(conn, &path)?;
            let projects = projects_param(conn, &org, &params)?;
            let scope = Scope { org_id: org.id, projects: &projects };
            let (values, more) =
                store_tags::org_tag_values(conn, scope, &key, contains.as_deref(), order, (page.limit, page.offset))?;
            Ok((values.iter().map(|v| value_json(&key, v)).collect::<Vec<_>>(), more))
        })
        .await?;
    let extra = link_header(&uri, &headers, page, more).map(|l| vec![("link", l)]).unwrap_or_default();
    Ok(json_response(Value::Array(items), extra))
}
