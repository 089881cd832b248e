/// The numbers a night's scratch files order municipalities by: the registered ones in code order
/// (1, 2, …), any other code met on the way after them. The staged records are kept per number,
/// and withdrawals sort by (number, sequence) among them.
///
/// Used by one thread at a time (the sync's), as the scratch file is.
final class GemeenteNumbers {
    private var numbers: [String: Int64] = [:]

    init(registered codes: [String]) {
        for code in Set(codes).sorted() { numbers[code] = Int64(numbers.count + 1) }
    }

    /// The number of `code`, given it now when it has none.
    func number(of code: String) -> Int64 {
        if let number = numbers[code] { return number }
        let number = Int64(numbers.count + 1)
        numbers[code] = number
        return number
    }
}
