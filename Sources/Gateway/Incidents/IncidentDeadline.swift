import Foundation
import KetenpoortCore
import Store

/// The GDPR art. 33 clock of an incident: the notification to the AP is due 72 hours after
/// detection; an incident still unassessed 48 hours after detection raises an alert. Hours are
/// elapsed hours, so a daylight-saving change moves the local time shown, not the deadline.
public struct IncidentDeadline: Sendable, Equatable {
    public static let notificationWindow: TimeInterval = 72 * 3600
    public static let assessmentWindow: TimeInterval = 48 * 3600

    public let detectedAt: Date
    public let status: IncidentStatus

    public init(detectedAt: Date, status: IncidentStatus) {
        self.detectedAt = detectedAt
        self.status = status
    }

    /// When the notification to the AP is due.
    public var notificationDue: Date { detectedAt.addingTimeInterval(Self.notificationWindow) }
    /// When an unassessed incident raises the alert.
    public var assessmentAlertAt: Date { detectedAt.addingTimeInterval(Self.assessmentWindow) }

    /// Whether the clock still runs: not yet notified, decided not notifiable, or closed.
    public var isRunning: Bool { status == .open || status == .assessed }

    /// Seconds until the notification is due (negative when overdue).
    public func timeLeft(at now: Date) -> TimeInterval { notificationDue.timeIntervalSince(now) }

    public func isOverdue(at now: Date) -> Bool { isRunning && now >= notificationDue }

    /// Unassessed for 48 hours or more.
    public func needsAlert(at now: Date) -> Bool { status == .open && now >= assessmentAlertAt }

    /// `2026-10-27T11:00:00+01:00`: an instant in Europe/Amsterdam local time.
    public static func local(_ date: Date) -> String {
        Date.ISO8601FormatStyle(timeZoneSeparator: .colon, timeZone: .amsterdam).format(date)
    }

    /// `51h 20m`, or `-3h 05m` when past.
    public static func duration(_ seconds: TimeInterval) -> String {
        let minutes = Int((abs(seconds) / 60).rounded(.down))
        return (seconds < 0 ? "-" : "") + "\(minutes / 60)h " + String(format: "%02dm", minutes % 60)
    }
}
