//! Numbered migrations embedded in the binary, each applied once in its own transaction.
//! A landed migration is never edited; changes come as a new file.

use rusqlite::Connection;

use crate::Result;

const MIGRATIONS: &[(u32, &str)] = &[
    (1, include_str!("../migrations/0001_init.sql")),
    (2, include_str!("../migrations/0002_sync.sql")),
    (3, include_str!("../migrations/0003_automation.sql")),
    (4, include_str!("../migrations/0004_desktop.sql")),
    (5, include_str!("../migrations/0005_automation_outbox.sql")),
    (6, include_str!("../migrations/0006_chat.sql")),
    (7, include_str!("../migrations/0007_buyer_profile.sql")),
    (8, include_str!("../migrations/0008_outbox_image.sql")),
    (9, include_str!("../migrations/0009_open_requests.sql")),
];

pub fn run(conn: &mut Connection) -> Result<()> {
    let current: u32 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    for &(version, sql) in MIGRATIONS.iter().filter(|(v, _)| *v > current) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", version)?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_numbered_in_order_and_applied_once() {
        assert!(MIGRATIONS.windows(2).all(|w| w[0].0 < w[1].0));
        let mut conn = Connection::open_in_memory().unwrap();
        run(&mut conn).unwrap();
        run(&mut conn).unwrap();
        let v: u32 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(v, MIGRATIONS.last().unwrap().0);
    }
}
