//! Helpers shared by the integration tests that drive a real terminal.

use std::process::Command;

/// Whether tmux is here. Without it the terminal tests skip, unless
/// HOTWASH_REQUIRE_TMUX is set (as CI does): then its absence fails them.
// Each test crate that includes this module uses only some of it.
#[allow(dead_code)]
pub fn tmux_available() -> bool {
    let found = Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var_os("HOTWASH_REQUIRE_TMUX").is_none(),
            "HOTWASH_REQUIRE_TMUX is set but tmux is not installed"
        );
        eprintln!("tmux is not installed: skipping this terminal test");
    }
    found
}

/// Whether git is here. Without it the merge tests skip, unless
/// HOTWASH_REQUIRE_GIT is set (as CI does): then its absence fails them.
// Each test crate that includes this module uses only some of it.
#[allow(dead_code)]
pub fn git_available() -> bool {
    let found = Command::new("git")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var_os("HOTWASH_REQUIRE_GIT").is_none(),
            "HOTWASH_REQUIRE_GIT is set but git is not installed"
        );
        eprintln!("git is not installed: skipping this merge test");
    }
    found
}
