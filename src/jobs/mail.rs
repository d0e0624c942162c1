//! The `DeliverMail` job: sends what waits in the outbox over SMTP, or writes `.eml` files
//! under `data/mail/` when no relay is configured, so a self-hoster sees mail with no server.

use lettre::message::{Mailbox, header::ContentType};
use lettre::{Message, SmtpTransport, Transport};
use rusqlite::Connection;

use super::Settings;
use super::worker::JobError;
use crate::domain::mail::{self, Outgoing};

fn build(m: &Outgoing, from: &str) -> Result<Message, String> {
    let from: Mailbox = from.parse().map_err(|e| format!("from: {e}"))?;
    let to: Mailbox = m.to.parse().map_err(|e| format!("to {}: {e}", m.to))?;
    Message::builder()
        .from(from)
        .to(to)
        .subject(m.subject.clone())
        .header(ContentType::TEXT_PLAIN)
        .body(m.body.clone())
        .map_err(|e| e.to_string())
}

fn send(m: &Outgoing, settings: &Settings) -> Result<(), String> {
    let message = build(m, &settings.mail.from)?;
    if settings.mail.smtp_url.is_empty() {
        std::fs::create_dir_all(&settings.mail_dir).map_err(|e| e.to_string())?;
        let path = settings.mail_dir.join(format!("{:06}.eml", m.id));
        std::fs::write(&path, message.formatted()).map_err(|e| e.to_string())?;
        tracing::info!(to = %m.to, subject = %m.subject, file = %path.display(), "mail written (no SMTP relay set)");
        return Ok(());
    }
    let rest = settings.mail.smtp_url.trim_start_matches("smtp://");
    let (host, port) = match rest.rsplit_once(':') {
        Some((h, p)) => (h, p.parse::<u16>().map_err(|e| format!("smtp port: {e}"))?),
        None => (rest, 25),
    };
    // a local relay on a trusted network: plain SMTP (TLS relays are not built in yet)
    let transport = SmtpTransport::builder_dangerous(host).port(port).build();
    transport.send(&message).map_err(|e| e.to_string())?;
    tracing::info!(to = %m.to, subject = %m.subject, "mail sent");
    Ok(())
}

/// Delivers up to 50 pending messages; one failing message is recorded and does not stop others.
pub(super) fn deliver_pending(conn: &mut Connection, settings: &Settings) -> Result<(), JobError> {
    let pending = mail::pending(conn, 50)?;
    let mut failed = 0;
    for m in &pending {
        match send(m, settings) {
            Ok(()) => mail::mark_sent(conn, m.id, crate::db::now())?,
            Err(e) => {
                failed += 1;
                tracing::warn!(outbox_id = m.id, error = %e, "mail delivery failed; will retry");
                mail::mark_failed(conn, m.id, &e)?;
            }
        }
    }
    if failed > 0 { Err(JobError::Mail(format!("{failed} message(s) failed"))) } else { Ok(()) }
}
