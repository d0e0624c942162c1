//! The threads that run the requests' database work ([`Db::run`](super::Db::run)): a few of
//! their own, each taking the next job from one queue as soon as it is done with the last.
//!
//! Before, a request took one of `pool_size` turns and then a thread of tokio's blocking pool.
//! When a query ended, its turn went to the next request only after two wake-ups (the waiting
//! task, then a parked blocking thread), each waiting for a core on a busy machine: the turn
//! stood idle meanwhile. With four turns the others covered the gaps, and four queries shared
//! two cores, so a slow search took twice its time; with three the gaps cost a tenth of the
//! throughput. Here a thread that finishes a job takes the next one without waking anyone,
//! so three keep two cores busy (at a million ads, wrk with eight connections over the
//! bench's 1,200 listing URLs, the same build in turn: p99 13.2-15.7 ms against 15.3-19.3,
//! p50 2.49-3.08 against 2.49-3.38).
//!
//! A waiting request is a boxed job in the queue and a task awaiting its answer, not a parked
//! thread with its own allocator pages.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::Duration;

use crossbeam_channel::Sender;

use super::DbError;

/// One request's database work, which sends its own answer.
type Job = Box<dyn FnOnce() + Send>;

/// The request threads' queue; the threads end when the last clone is dropped (with the
/// last [`super::Db`]).
#[derive(Clone)]
pub(super) struct Lanes {
    queue: Sender<Job>,
}

/// The request threads for a pool of `pool_size` connections: one fewer, so a connection stays
/// for the job workers' writes and for point reads on the async threads (`Db::run_here`);
/// at least one. Four threads on two cores made the slowest searches' p99 worse (17-20 ms
/// against 13-16 with three).
pub(super) fn threads_for(pool_size: u32) -> usize {
    (pool_size as usize).saturating_sub(1).max(1)
}

impl Lanes {
    /// Starts `threads` request threads.
    pub(super) fn start(threads: usize) -> std::io::Result<Self> {
        let (queue, jobs) = crossbeam_channel::unbounded::<Job>();
        for i in 0..threads {
            let jobs = jobs.clone();
            std::thread::Builder::new().name(format!("uzmat-db-{i}")).spawn(move || {
                // until every sender is gone
                for job in jobs.iter() {
                    job();
                }
            })?;
        }
        Ok(Lanes { queue })
    }

    /// Runs `work` on a request thread and answers with what it returns: a panic inside is an
    /// error. Work still queued after `timeout` is answered `Busy` then and never runs, nor
    /// does work whose request is gone before it starts.
    pub(super) async fn run<T: Send + 'static>(
        &self,
        timeout: Duration,
        work: impl FnOnce() -> Result<T, DbError> + Send + 'static,
    ) -> Result<T, DbError> {
        let (answer, mut answered) = tokio::sync::oneshot::channel();
        let state = Arc::new(AtomicU8::new(QUEUED));
        let claim = state.clone();
        let job: Job = Box::new(move || {
            // the request went away while this waited (its visitor left), or gave up waiting
            let start =
                claim.compare_exchange(QUEUED, STARTED, Ordering::AcqRel, Ordering::Acquire);
            if answer.is_closed() || start.is_err() {
                return;
            }
            let out =
                std::panic::catch_unwind(AssertUnwindSafe(work)).unwrap_or(Err(DbError::Failed));
            // nobody to tell when the request has gone since
            let _ = answer.send(out);
        });
        self.queue.send(job).map_err(|_| DbError::Failed)?;
        match tokio::time::timeout(timeout, &mut answered).await {
            Ok(out) => out.map_err(|_| DbError::Failed)?,
            // still queued: given up, so it never runs; started: its answer comes
            Err(_) => {
                match state.compare_exchange(QUEUED, GIVEN_UP, Ordering::AcqRel, Ordering::Acquire)
                {
                    Ok(_) => Err(DbError::Busy(timeout)),
                    Err(_) => answered.await.map_err(|_| DbError::Failed)?,
                }
            }
        }
    }
}

/// Where a job stands: waiting in the queue, taken by a thread, or given up by its request.
const QUEUED: u8 = 0;
const STARTED: u8 = 1;
const GIVEN_UP: u8 = 2;

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicUsize;

    use super::*;

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime")
    }

    #[test]
    fn a_pool_keeps_one_connection_from_its_request_threads() {
        assert_eq!(threads_for(4), 3);
        assert_eq!(threads_for(2), 1);
        assert_eq!(threads_for(1), 1, "at least one");
    }

    #[test]
    fn jobs_run_at_most_as_many_at_once_as_there_are_threads_and_all_of_them_answer() {
        let lanes = Lanes::start(2).expect("threads");
        let (running, most) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let answers = runtime().block_on(async {
            let tasks: Vec<_> = (0..8)
                .map(|i| {
                    let (lanes, running, most) = (lanes.clone(), running.clone(), most.clone());
                    tokio::spawn(async move {
                        lanes
                            .run(Duration::from_secs(10), move || {
                                let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                                most.fetch_max(now, Ordering::SeqCst);
                                std::thread::sleep(Duration::from_millis(20));
                                running.fetch_sub(1, Ordering::SeqCst);
                                Ok(i)
                            })
                            .await
                    })
                })
                .collect();
            let mut answers = Vec::new();
            for task in tasks {
                answers.push(task.await.expect("task"));
            }
            answers
        });
        let answers: Vec<i32> = answers.into_iter().map(|a| a.expect("answered")).collect();
        assert_eq!(answers, (0..8).collect::<Vec<_>>());
        assert_eq!(most.load(Ordering::SeqCst), 2, "two threads, two at once");
    }

    #[test]
    fn a_panic_is_an_error_and_its_thread_goes_on_with_the_next_job() {
        let lanes = Lanes::start(1).expect("threads");
        let rt = runtime();
        let panicked =
            rt.block_on(lanes.run(Duration::from_secs(10), || -> Result<(), DbError> {
                panic!("a bug in a query")
            }));
        assert!(matches!(panicked, Err(DbError::Failed)), "{panicked:?}");
        let next = rt.block_on(async {
            tokio::time::timeout(
                Duration::from_secs(5),
                lanes.run(Duration::from_secs(10), || Ok(7)),
            )
            .await
        });
        assert_eq!(next.expect("answered in time").expect("the one thread still runs jobs"), 7);
    }

    #[test]
    fn a_job_whose_request_is_gone_before_it_starts_is_not_run() {
        let lanes = Lanes::start(1).expect("threads");
        let ran = Arc::new(AtomicUsize::new(0));
        let rt = runtime();
        rt.block_on(async {
            let slow = lanes.run(Duration::from_secs(10), || {
                std::thread::sleep(Duration::from_millis(200));
                Ok(())
            });
            let ran_too = ran.clone();
            let abandoned = lanes.run(Duration::from_secs(10), move || {
                ran_too.fetch_add(1, Ordering::SeqCst);
                Ok(())
            });
            // the second request gives up after 50 ms, while the one thread is busy
            let gone = tokio::time::timeout(Duration::from_millis(50), abandoned);
            let (slow, gone) = tokio::join!(slow, gone);
            assert!(slow.is_ok() && gone.is_err());
        });
        // the thread is free again: a job after it runs, the abandoned one did not
        let after = rt.block_on(lanes.run(Duration::from_secs(10), || Ok(1)));
        assert_eq!(after.expect("answered"), 1);
        assert_eq!(ran.load(Ordering::SeqCst), 0);
    }

    #[test]
    fn a_job_that_waited_past_the_timeout_is_answered_busy_and_not_run() {
        let lanes = Lanes::start(1).expect("threads");
        let ran = Arc::new(AtomicUsize::new(0));
        let rt = runtime();
        let (first, (second, waited)) = rt.block_on(async {
            // the one thread is busy for 300 ms; the second job may wait 50
            let slow = lanes.run(Duration::from_secs(10), || {
                std::thread::sleep(Duration::from_millis(300));
                Ok(())
            });
            let ran_too = ran.clone();
            let late = async {
                let asked = std::time::Instant::now();
                let out = lanes
                    .run(Duration::from_millis(50), move || {
                        ran_too.fetch_add(1, Ordering::SeqCst);
                        Ok(())
                    })
                    .await;
                (out, asked.elapsed())
            };
            tokio::join!(slow, late)
        });
        assert!(first.is_ok());
        assert!(matches!(second, Err(DbError::Busy(_))), "{second:?}");
        assert!(waited < Duration::from_millis(250), "answered at its timeout: {waited:?}");
        assert_eq!(ran.load(Ordering::SeqCst), 0, "a job answered busy never runs");
    }
}
