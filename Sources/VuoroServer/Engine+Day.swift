// The day's chores: `EVENT day` at midnight, the nightly backup, and retention of old days.
import Logging
import VuoroStore

/// What the day change has still to do. Confined to the engine's loop.
struct DayChores {
    /// The service day the watchers were last told of (`EVENT day`).
    var announced: String
    /// A day that ended and has not been backed up yet.
    var backupDue: String?
    /// Old days may be due for retention (checked at start and at each day change).
    var retentionDue = true

    /// Where backups go: the configured directory, else `backups/` in the state directory.
    static func backupDirectory(_ options: ServerOptions, _ store: Store) -> String {
        options.backupDirectory ?? NightlyBackup.directory(of: store)
    }

    func backupDirectory(_ options: ServerOptions, _ store: Store) -> String {
        DayChores.backupDirectory(options, store)
    }

    /// A day change that did not reach the disk (its commit failed) is rolled, and announced, again.
    mutating func undo(announcedIn publisher: Publisher) {
        if let ended = backupDue, publisher.announces(day: announced) {
            announced = ended
            backupDue = nil
        }
    }
}

extension Engine {
    /// After midnight: the day's open tickets expire, and `EVENT day` goes out ahead of what the new day's
    /// requests do, whether a tick or a request comes first (a request rolls the day before it is served).
    /// Comparing with the day last announced, rather than trusting who rolled it, covers a centre rebuilt from
    /// the store too (a reload, a failed commit).
    func rollDay() {
        _ = centre.rollDayIfNeeded()
        guard centre.today.date != chores.announced else { return }
        chores.backupDue = chores.announced
        chores.announced = centre.today.date
        publisher.publish(.day(chores.announced))
        chores.retentionDue = true
    }

    /// The night's backup, once the day's last changes (its tickets expired at midnight) are on the disk. Not
    /// while storage fails: tried again at each tick until it works.
    func backUpIfDue() {
        guard chores.backupDue != nil, !storage.failing else { return }
        flush()
        guard let day = chores.backupDue, !storage.failing else { return }
        chores.backupDue = nil
        guard centre.config.backups > 0 else { return }
        do {
            let (path, removed) = try NightlyBackup.run(
                store: store, in: chores.backupDirectory(options, store), day: day, keep: centre.config.backups)
            logger.notice("nightly backup written to \(path)")
            metrics?.lastBackup.record(Double(centre.clock.now()) / 1000)
            for r in removed { logger.info("nightly backup \(r) deleted: \(centre.config.backups) are kept") }
        } catch {
            logger.error("the nightly backup of \(day) failed: \(error)")
        }
    }

    /// One old day retired per tick, so a long backlog (the first start after an upgrade, say) never holds up
    /// requests for long, nor the start itself.
    func retireOneDay() {
        do {
            let days = try Retention.run(
                store: store, config: centre.config, calendar: centre.calendar, now: centre.clock.now(), maxDays: 1)
            if let day = days.first {
                logger.notice("retired \(day): its statistics kept, its tickets deleted")
            } else {
                chores.retentionDue = false
            }
        } catch {
            chores.retentionDue = false
            logger.error("retention failed, will try again at the next day change or start: \(error)")
        }
    }
}
