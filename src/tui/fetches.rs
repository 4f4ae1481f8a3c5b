//! The runner's part for feedback, attachments and monitors: each [`BesideEffect`] becomes a
//! task calling the API client, answered with a [`BesideMsg`] carrying its request. Saving an
//! attachment writes the file here, never in the reducer: into the directory asked for under a
//! name that cannot leave it ([`safe_file_name`]), or to the file path asked for; an existing
//! file is never overwritten.

use std::path::{Path, PathBuf};

use tokio::sync::mpsc::UnboundedSender;

use super::boards::{MonitorRow, STRIP};
use super::msg::{BesideEffect, BesideMsg, Msg};
use super::sidecar::safe_file_name;
use crate::api::{Client, Error};

pub fn spawn(client: Client, effect: BesideEffect, tx: UnboundedSender<Msg>) {
    tokio::spawn(async move {
        let msg = run(&client, effect).await;
        let _ = tx.send(Msg::Beside(msg));
    });
}

async fn run(client: &Client, effect: BesideEffect) -> BesideMsg {
    match effect {
        BesideEffect::FetchIssueFeedback { issue_id } => {
            let result = client.issue_user_reports(&issue_id).await;
            BesideMsg::IssueFeedbackLoaded { issue_id, result }
        }
        BesideEffect::FetchAttachments { project, event_id } => {
            let result = client.event_attachments(&project, &event_id).await;
            BesideMsg::AttachmentsLoaded { event_id, result }
        }
        BesideEffect::SaveAttachment { req, project, event_id, attachment_id, name, to } => {
            let result = match client.download_attachment(&project, &event_id, &attachment_id).await {
                Ok(bytes) => {
                    let target = target_path(Path::new(to.trim()), &name);
                    tokio::task::spawn_blocking(move || write_new(&target, &bytes))
                        .await
                        .unwrap_or_else(|_| Err("the save was interrupted".into()))
                }
                Err(err) => Err(super::state::describe(&err)),
            };
            BesideMsg::AttachmentSaved { req, result }
        }
        BesideEffect::ReadAttachment { req, project, event_id, attachment_id } => {
            let result = client.download_attachment(&project, &event_id, &attachment_id).await;
            BesideMsg::AttachmentRead { req, result }
        }
        BesideEffect::FetchFeedbackList { req } => {
            let result = client.feedback_issues(None).await.map(|page| page.items);
            BesideMsg::FeedbackListed { req, result }
        }
        BesideEffect::FetchMonitors { req } => BesideMsg::MonitorsListed { req, result: monitors(client).await },
        BesideEffect::LocateFeedbackIssue { req, event_id } => {
            let result = async {
                let location = client.locate_event(&event_id).await?;
                let issue = client.issue(&location.group_id, &[]).await?;
                Ok((issue.id, issue.short_id))
            }
            .await;
            BesideMsg::FeedbackIssueLocated { req, result }
        }
    }
}

async fn monitors(client: &Client) -> Result<Vec<MonitorRow>, Error> {
    let mut rows = Vec::new();
    for monitor in client.monitors().await? {
        let check_ins = client.check_ins(&monitor.slug, STRIP).await.unwrap_or_default();
        rows.push(MonitorRow { monitor, check_ins });
    }
    Ok(rows)
}

/// Where an attachment named `name` goes when `to` was asked for: inside `to` when it is a
/// directory (empty means the current one), else `to` itself.
pub fn target_path(to: &Path, name: &str) -> PathBuf {
    let to = if to.as_os_str().is_empty() { Path::new(".") } else { to };
    if to.is_dir() { to.join(safe_file_name(name)) } else { to.to_path_buf() }
}

/// Writes `bytes` to a file that must not exist yet; the written path, or why not.
fn write_new(path: &Path, bytes: &[u8]) -> Result<String, String> {
    use std::io::Write;
    let shown = path.display().to_string();
    let mut file = std::fs::OpenOptions::new().write(true).create_new(true).open(path).map_err(|err| {
        if err.kind() == std::io::ErrorKind::AlreadyExists {
            format!("{shown} exists already; give another name")
        } else {
            format!("cannot write {shown}: {err}")
        }
    })?;
    file.write_all(bytes).map_err(|err| format!("cannot write {shown}: {err}"))?;
    Ok(shown)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hostile_name_stays_in_the_chosen_directory_and_nothing_is_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let target = target_path(dir.path(), "../../x\u{0}\u{1b}.log");
        assert_eq!(target.parent().unwrap(), dir.path());
        assert_eq!(write_new(&target, b"one").unwrap(), target.display().to_string());
        assert_eq!(std::fs::read(&target).unwrap(), b"one");
        assert!(write_new(&target, b"two").unwrap_err().contains("exists already"));
        assert_eq!(std::fs::read(&target).unwrap(), b"one");
        let named = dir.path().join("chosen.bin");
        assert_eq!(target_path(&named, "ignored.txt"), named, "a file path is used as given");
    }
}
