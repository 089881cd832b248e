import Foundation
import KetenpoortCore

/// The register of CBS deliveries: a period is delivered once, then only corrected.
public protocol CbsDeliveryTransaction {
    /// The deliveries of `period` from `source`, the first one first.
    func cbsDeliveries(source: String, period: String) throws -> [CbsDeliveryRecord]
    /// Every delivery, oldest first.
    func cbsDeliveries() throws -> [CbsDeliveryRecord]
    /// Records a delivery; a second one with the same (source, period, correction) is an error.
    func recordCbsDelivery(_ delivery: CbsDeliveryRecord) throws
}
