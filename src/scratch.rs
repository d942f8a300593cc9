//! A scratch folder for the unit tests that touch the file system: unique
//! per test and process, emptied first, removed when dropped.

use std::path::PathBuf;

pub(crate) struct Dir(pub PathBuf);

impl Dir {
    /// `module` and `name` make the folder's name unique across tests.
    pub(crate) fn new(module: &str, name: &str) -> Self {
        let p =
            std::env::temp_dir().join(format!("hotwash-{module}-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).expect("temp dir");
        Dir(p)
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
