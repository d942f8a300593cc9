//! Work over many files on every core, with the results in the files'
//! order. Items are taken in order by whichever thread is free, so results
//! come in nearly in order and the few that finish early wait in a small
//! buffer; the caller sees them strictly in order, as soon as each and all
//! before it are done.

use std::collections::BTreeMap;
use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;

/// How many threads to work on: the cores this process may run on (so
/// `taskset -c 0` gives one).
pub fn jobs() -> usize {
    std::thread::available_parallelism().map_or(1, NonZeroUsize::get)
}

/// Runs `work` on every item on up to `jobs` threads and gives each result
/// to `done` on the calling thread, in the items' order. When `done`
/// returns `false` it is not called again, and the workers start no item
/// once they see it (those already started are finished and dropped). With
/// one job, or one item, no thread is started.
pub fn for_each_in_order<T, R>(
    items: &[T],
    jobs: usize,
    work: impl Fn(usize, &T) -> R + Sync,
    mut done: impl FnMut(usize, R) -> bool,
) where
    T: Sync,
    R: Send,
{
    let jobs = jobs.clamp(1, items.len().max(1));
    if jobs == 1 {
        for (i, item) in items.iter().enumerate() {
            if !done(i, work(i, item)) {
                return;
            }
        }
        return;
    }
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let (tx, rx) = mpsc::channel::<(usize, R)>();
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            let tx = tx.clone();
            let (next, stop, work) = (&next, &stop, &work);
            scope.spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(item) = items.get(i) else { break };
                    if tx.send((i, work(i, item))).is_err() {
                        break;
                    }
                }
            });
        }
        // Only the workers hold senders now: the loop ends when they do.
        drop(tx);
        let mut waiting = BTreeMap::new();
        let mut expected = 0;
        for (i, result) in rx.iter() {
            waiting.insert(i, result);
            while let Some(result) = waiting.remove(&expected) {
                if !done(expected, result) {
                    stop.store(true, Ordering::Relaxed);
                    // Dropping the receiver ends the workers' sends.
                    return;
                }
                expected += 1;
            }
        }
    });
}

/// `work` over every item on up to `jobs` threads, the results in the
/// items' order.
pub fn map_in_order<T, R>(items: &[T], jobs: usize, work: impl Fn(usize, &T) -> R + Sync) -> Vec<R>
where
    T: Sync,
    R: Send,
{
    let mut out = Vec::with_capacity(items.len());
    for_each_in_order(items, jobs, work, |_, r| {
        out.push(r);
        true
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_in_the_items_order_whatever_finishes_first() {
        let items: Vec<u64> = (0..200).collect();
        // Early items take longest, so later ones finish first.
        let out = map_in_order(&items, 4, |i, &n| {
            std::thread::sleep(std::time::Duration::from_micros((200 - n) * 20));
            (i, n * 2)
        });
        assert_eq!(
            out,
            (0..200).map(|n| (n as usize, n * 2)).collect::<Vec<_>>()
        );
    }

    #[test]
    fn one_job_runs_on_the_calling_thread() {
        let me = std::thread::current().id();
        let out = map_in_order(&[1, 2, 3], 1, |_, _| std::thread::current().id());
        assert!(out.iter().all(|id| *id == me));
    }

    #[test]
    fn stopping_early_hands_over_nothing_more_and_returns() {
        let started = AtomicUsize::new(0);
        let items: Vec<usize> = (0..10_000).collect();
        let mut seen = Vec::new();
        for_each_in_order(
            &items,
            2,
            |_, &n| {
                started.fetch_add(1, Ordering::Relaxed);
                n
            },
            |i, n| {
                seen.push((i, n));
                i < 9
            },
        );
        assert_eq!(seen, (0..10).map(|n| (n, n)).collect::<Vec<_>>());
        // How many were started depends on the threads' timing; at least
        // the ten handed over were.
        assert!(started.load(Ordering::Relaxed) >= 10);
    }
}
