// The engine's day change: `EVENT day` at midnight, the nightly backup, and retention of old days.
import Logging
import VuoroStore

extension Engine {
    /// After midnight: the day's open tickets expire, and `EVENT day` goes out ahead of what the new day's
    /// requests do, whether a tick or a request comes first (a request rolls the day before it is served).
    /// Comparing with the day last announced, rather than trusting who rolled it, covers a centre rebuilt from
    /// the store too (a reload, a failed commit).
    func rollDay() {
        _ = centre.rollDayIfNeeded()
        guard centre.today.date != dayAnnounced else { return }
        backupDue = dayAnnounced
        dayAnnounced = centre.today.date
        events.append("EVENT day \(dayAnnounced)")
        retentionDue = true
    }

    /// Where backups go: the configured directory, else `backups/` in the state directory.
    var backupDirectory: String { options.backupDirectory ?? NightlyBackup.directory(of: store) }

    /// The night's backup, once the day's last changes (its tickets expired at midnight) are on the disk. Not
    /// while storage fails: tried again at each tick until it works.
    func backUpIfDue() {
        guard backupDue != nil, !storageFailing else { return }
        flush()
        guard let day = backupDue, !storageFailing else { return }
        backupDue = nil
        guard centre.config.backups > 0 else { return }
        do {
            let (path, removed) = try NightlyBackup.run(store: store, in: backupDirectory, day: day, keep: centre.config.backups)
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
                retentionDue = false
            }
        } catch {
            retentionDue = false
            logger.error("retention failed, will try again at the next day change or start: \(error)")
        }
    }
}
