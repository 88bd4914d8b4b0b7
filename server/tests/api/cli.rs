//! The `bazaar` binary's commands.

use std::process::Command;

fn bazaar(dir: &tempfile::TempDir) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_bazaar"));
    cmd.current_dir(dir.path())
        .env_remove("DATABASE_URL")
        .env_remove("REDIS_URL")
        .env_remove("MEILI_URL")
        .env("BAZAAR__DATA_DIR", dir.path().join("data"))
        .env("BAZAAR__LOG__FILTER", "warn");
    cmd
}

#[test]
fn every_subcommand_has_help() {
    let dir = tempfile::tempdir().unwrap();
    for sub in ["serve", "migrate", "seed", "reindex", "reconcile-stock", "create-admin"] {
        let out = bazaar(&dir).args([sub, "--help"]).output().unwrap();
        assert!(out.status.success(), "{sub} --help");
        assert!(String::from_utf8_lossy(&out.stdout).contains("Usage: bazaar"), "{sub}");
    }
}

#[test]
fn without_a_command_bazaar_serves() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = bazaar(&dir)
        .env("BAZAAR__SERVER__PORT", "0")
        .env("BAZAAR__SEED__PRODUCTS", "50")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first_line = String::new();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(child.stdout.take().unwrap()), &mut first_line).unwrap();
    child.kill().unwrap();
    child.wait().unwrap();

    assert!(first_line.starts_with("Bazaar is running at http://127.0.0.1:"), "{first_line}");
}

#[test]
fn a_bad_configuration_value_is_named_at_start() {
    let dir = tempfile::tempdir().unwrap();

    let out = bazaar(&dir).env("BAZAAR__SERVER__PORT", "not-a-port").arg("migrate").output().unwrap();
    let bad_url = bazaar(&dir).env("DATABASE_URL", "mysql://nope").arg("migrate").output().unwrap();

    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("server.port"), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!bad_url.status.success());
    assert!(String::from_utf8_lossy(&bad_url.stderr).contains("database.url"));
}

#[test]
fn seed_then_reindex_report_plain_progress_when_not_on_a_terminal() {
    let dir = tempfile::tempdir().unwrap();

    let seeded = bazaar(&dir).args(["seed", "--products", "500"]).output().unwrap();
    let reindexed = bazaar(&dir).arg("reindex").output().unwrap();

    let stdout = String::from_utf8_lossy(&seeded.stdout);
    let stderr = String::from_utf8_lossy(&seeded.stderr);
    assert!(seeded.status.success(), "{stderr}");
    assert!(stdout.contains("500 products"), "{stdout}");
    assert!(stdout.contains("indexed 500 products"), "{stdout}");
    assert!(stderr.contains("seeding: 500/500 (100%)"), "plain progress lines: {stderr}");
    assert!(reindexed.status.success());
    assert!(String::from_utf8_lossy(&reindexed.stdout).contains("indexed 500 products"));
    let reconciled = bazaar(&dir).arg("reconcile-stock").output().unwrap();
    assert!(reconciled.status.success(), "the seed's stock matches its ledger");
    assert!(String::from_utf8_lossy(&reconciled.stdout).contains("every counter matches the ledger"));
}

#[test]
fn create_admin_reads_the_password_from_stdin_and_refuses_duplicates() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let run = |password: &str| {
        let mut child = bazaar(&dir)
            .args(["create-admin", "--email", "Boss@Example.com"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        writeln!(child.stdin.take().unwrap(), "{password}").unwrap();
        child.wait_with_output().unwrap()
    };

    let short = run("short");
    let ok = run("a long enough passphrase");
    let again = run("a long enough passphrase");

    assert!(!short.status.success());
    assert!(String::from_utf8_lossy(&short.stderr).contains("at least 12 characters"));
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    assert!(String::from_utf8_lossy(&ok.stdout).contains("admin Boss@example.com created"));
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already has an account"));
}

#[test]
fn an_unreachable_meilisearch_stops_the_command_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();

    let out = bazaar(&dir).env("MEILI_URL", "http://127.0.0.1:9").arg("reindex").output().unwrap();

    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("meilisearch is unavailable"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
