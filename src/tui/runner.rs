//! Runs the reducer's API effects: each becomes a tokio task calling the client, and its answer
//! comes back as a message carrying the request id it was started with. The runner never
//! touches the state or the terminal.

use tokio::sync::mpsc::UnboundedSender;

use super::alerts::{AlertsData, RuleRow};
use super::msg::{Catalog, Effect, Msg};
use crate::api::{Client, Error};

/// Starts the work of `effect`; returns it back when it is not API work.
pub fn spawn(client: &Client, effect: Effect, tx: &UnboundedSender<Msg>) -> Option<Effect> {
    let client = client.clone();
    let tx = tx.clone();
    match effect {
        Effect::FetchIssues { req, params, .. } => {
            tokio::spawn(async move {
                let result = client.list_issues(&params).await;
                let _ = tx.send(Msg::IssuesLoaded { req, result });
            });
            None
        }
        Effect::FetchDigest { req, since, environments, projects } => {
            tokio::spawn(async move {
                let options = crate::report::ReportOptions { since, environments, projects, limit: 10 };
                let result = crate::report::gather(&client, &options, crate::clock::now()).await;
                let _ = tx.send(Msg::DigestLoaded { req, result });
            });
            None
        }
        Effect::FetchReleases { req, params } => {
            tokio::spawn(async move {
                let result = client.list_releases(&params).await;
                let _ = tx.send(Msg::ReleasesLoaded { req, result });
            });
            None
        }
        Effect::UpdateIssues { req, ids, update } => {
            tokio::spawn(async move {
                let result = match ids.as_slice() {
                    [one] => client.update_issue(one, &update).await.map(|_| ()),
                    many => {
                        let refs: Vec<&str> = many.iter().map(String::as_str).collect();
                        client.bulk_update_issues(&refs, &update).await.map(|_| ())
                    }
                };
                let _ = tx.send(Msg::IssuesUpdated { req, result });
            });
            None
        }
        Effect::CheckRestored { update, wanted } => {
            tokio::spawn(async move {
                let mut got = Vec::new();
                let mut result = Ok(());
                for issue in &wanted {
                    match client.issue(&issue.id, &[]).await {
                        Ok(issue) => got.push(issue),
                        Err(error) => {
                            result = Err(error);
                            break;
                        }
                    }
                }
                let result = result.map(|()| got);
                let _ = tx.send(Msg::RestoreChecked { update, wanted, result });
            });
            None
        }
        Effect::FetchEvent { req, issue_id, pick, environments } => {
            tokio::spawn(async move {
                let result = client.event(&issue_id, pick.segment(), &environments).await;
                let msg = match req {
                    Some(req) => Msg::EventLoaded { req, result },
                    None => Msg::EventPrefetched { issue_id, result },
                };
                let _ = tx.send(msg);
            });
            None
        }
        Effect::FetchEventPosition { issue_id, event_id, at, environments } => {
            tokio::spawn(async move {
                let result = client.event_position(&issue_id, at, &environments).await;
                let _ = tx.send(Msg::EventPositioned { issue_id, event_id, result });
            });
            None
        }
        Effect::FetchIssue { issue_id } => {
            tokio::spawn(async move {
                let result = client.issue(&issue_id, &[]).await.map(Box::new);
                let _ = tx.send(Msg::IssueLoaded { issue_id, result });
            });
            None
        }
        Effect::FetchActivity { issue_id } => {
            tokio::spawn(async move {
                let result = client.list_activity(&issue_id).await;
                let _ = tx.send(Msg::ActivityLoaded { issue_id, result });
            });
            None
        }
        Effect::AddComment { req, issue_id, text } => {
            tokio::spawn(async move {
                let result = client.add_comment(&issue_id, &text, &[]).await.map(|_| ());
                let _ = tx.send(Msg::CommentAdded { req, result });
            });
            None
        }
        Effect::FetchIssueTags { issue_id, environments } => {
            tokio::spawn(async move {
                let result = client.issue_tags(&issue_id, &environments).await;
                let _ = tx.send(Msg::IssueTagsLoaded { issue_id, result });
            });
            None
        }
        Effect::FetchTagKeys { req, projects, environments } => {
            tokio::spawn(async move {
                let result = client.org_tags(&projects, &environments).await;
                let _ = tx.send(Msg::TagKeysLoaded { req, result });
            });
            None
        }
        Effect::FetchTagValues { tag, text, projects, environments } => {
            tokio::spawn(async move {
                let result = client.org_tag_values(&tag, &text, &projects, &environments).await;
                let _ = tx.send(Msg::TagValuesLoaded { tag, text, result });
            });
            None
        }
        Effect::FetchTransactions { req, params } => {
            tokio::spawn(async move {
                let result = client.transactions_summary(&params).await;
                let _ = tx.send(Msg::TransactionsLoaded { req, result });
            });
            None
        }
        Effect::FetchTransactionSeries { req, names, params } => {
            tokio::spawn(async move {
                let interval = if params.stats_period == "14d" { "1d" } else { "1h" };
                let result = client.transaction_series(&names, &params, interval).await;
                let _ = tx.send(Msg::TransactionSeriesLoaded { req, result });
            });
            None
        }
        Effect::FetchSamples { req, transaction, params } => {
            tokio::spawn(async move {
                let result = client.transaction_samples(&transaction, &params, 25).await;
                let _ = tx.send(Msg::SamplesLoaded { req, result });
            });
            None
        }
        Effect::FetchTrace { req, trace_id } => {
            tokio::spawn(async move {
                let result = client.trace(&trace_id).await;
                let _ = tx.send(Msg::TraceLoaded { req, result });
            });
            None
        }
        Effect::FetchAlerts { req, projects, firings } => {
            tokio::spawn(async move {
                let result = alerts(&client, projects, firings).await;
                let _ = tx.send(Msg::AlertsLoaded { req, result });
            });
            None
        }
        Effect::SaveRule { req, project, id, body } => {
            tokio::spawn(async move {
                let result = match id {
                    Some(id) => client.update_rule(&project, &id, &body).await,
                    None => client.create_rule(&project, &body).await,
                };
                let _ = tx.send(Msg::RuleSaved { req, result });
            });
            None
        }
        Effect::TestRule { req, project, id } => {
            tokio::spawn(async move {
                let result = client.test_rule(&project, &id).await;
                let _ = tx.send(Msg::RuleTested { req, result });
            });
            None
        }
        Effect::PollFirings { after } => {
            tokio::spawn(async move {
                let after = after.map(|a| a.to_string());
                let result = client.alert_firings(None, after.as_deref(), 50).await;
                let _ = tx.send(Msg::FiringsPolled { result });
            });
            None
        }
        Effect::FetchCatalog => {
            tokio::spawn(async move {
                let _ = tx.send(Msg::CatalogLoaded { result: catalog(&client).await });
            });
            None
        }
        Effect::Beside(work) => {
            super::fetches::spawn(client, work, tx);
            None
        }
        other => Some(other),
    }
}

async fn catalog(client: &Client) -> Result<Catalog, Error> {
    let environments = client.list_environments().await?.into_iter().map(|e| e.name).collect();
    let projects = client
        .list_projects(None)
        .await?
        .items
        .into_iter()
        .filter_map(|p| Some((p.id.parse::<i64>().ok()?, p.slug)))
        .collect();
    // Org tokens have no user; that only disables "assign to me".
    let me = client.whoami().await.unwrap_or(None);
    // A token without the member scope still triages: the picker then offers the assignees
    // seen in the list.
    let members = client.list_members().await.unwrap_or_else(|error| {
        tracing::debug!(%error, "members unavailable; the assign picker offers the assignees seen");
        Vec::new()
    });
    Ok(Catalog { environments, projects, me, members })
}

/// Every project's rules, and on sift's server the firing log and the outbox's counts.
async fn alerts(client: &Client, projects: Vec<String>, firings: bool) -> Result<AlertsData, Error> {
    let projects = if projects.is_empty() {
        client.list_projects(None).await?.items.into_iter().map(|p| p.slug).collect()
    } else {
        projects
    };
    let mut rules = Vec::new();
    for project in projects {
        for rule in client.list_rules(&project).await? {
            rules.push(RuleRow { project: project.clone(), rule });
        }
    }
    let (firings, outbox) = if firings {
        let log = client.alert_firings(None, None, super::update::ALERT_LOG_LIMIT).await?;
        (Some(log), Some(client.alert_outbox().await?))
    } else {
        (None, None)
    };
    Ok(AlertsData { rules, firings, outbox })
}
