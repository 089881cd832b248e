import Foundation
import Gateway
import HTTPTypes
import Hummingbird
import NIOCore

/// The console's pages: one layout, a navigation bar, plain server-rendered HTML and one style
/// sheet — no script anywhere (the content security policy forbids it).
struct ConsolePage {
    /// The sections of the navigation bar: path and label.
    static let sections: [(path: String, label: String)] = [
        ("/", "Overview"), ("/batches?status=dead-lettered", "Dead letters"), ("/batches", "Batches"), ("/runs", "Runs"),
        ("/incidents", "Incidents"), ("/partners", "Partners"), ("/audit", "Audit & maintenance"),
    ]

    let title: String
    let operatorName: String
    let node: String
    var flash: String? = nil
    let body: HTML

    /// The page as an HTML document.
    var html: HTML {
        let navigation = HTML(joining: Self.sections.map { "<a href=\"\($0.path)\">\($0.label)</a>" })
        let notice: HTML? = flash.map { "<p id=\"flash\" class=\"flash\">\($0)</p>" }
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>\(title) — ketenpoort console</title>
            <link rel="stylesheet" href="/console.css"></head>
            <body><header><strong>ketenpoort</strong> operator console · node \(node) · signed in as \(operatorName)
            <nav>\(navigation)</nav></header>
            <main><h1>\(title)</h1>\(notice)\(body)</main></body></html>
            """
    }

    /// The page as a response with `status` and the console's headers.
    func response(_ status: HTTPResponse.Status = .ok) -> Response {
        Self.response(status, contentType: "text/html; charset=utf-8", body: ByteBuffer(string: html.text))
    }

    /// A response with the headers every console answer carries: never cached, never framed, no
    /// script, no referrer to other sites (to its own pages one is sent: with `no-referrer` a browser
    /// sends `Origin: null` on a form post, which the cross-site check must refuse).
    static func response(_ status: HTTPResponse.Status, contentType: String, body: ByteBuffer, extra: HTTPFields = [:]) -> Response {
        var headers: HTTPFields = [
            .contentType: contentType, .cacheControl: "no-store",
            .contentSecurityPolicy:
                "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
            .xContentTypeOptions: "nosniff", .referrerPolicy: "same-origin", .xFrameOptions: "DENY",
        ]
        headers.append(contentsOf: extra)
        return Response(status: status, headers: headers, body: .init(byteBuffer: body))
    }

    /// A 303 to `location` (after a form was handled: reloading the page does not repeat it).
    static func redirect(to location: String) -> Response {
        response(.seeOther, contentType: "text/plain; charset=utf-8", body: ByteBuffer(string: "see \(location)\n"), extra: [.location: location])
    }

    /// The style sheet.
    static let styleSheet = """
        body { font: 14px/1.45 system-ui, sans-serif; margin: 0; color: #1b1b1b; background: #f6f7f9; }
        header { background: #154273; color: #fff; padding: .6em 1.2em; }
        header nav a { color: #fff; margin-right: 1.1em; text-decoration: none; }
        header nav { margin-top: .4em; }
        main { padding: 1em 1.6em; }
        table { border-collapse: collapse; background: #fff; margin: .6em 0 1.4em; }
        th, td { border: 1px solid #d0d5dd; padding: .3em .6em; text-align: left; vertical-align: top; }
        th { background: #eef1f5; }
        td.number { text-align: right; font-variant-numeric: tabular-nums; }
        .flash { background: #e6f4ea; border: 1px solid #8cc79a; padding: .5em .8em; }
        .alert, .dead-lettered, .failed, .overdue { color: #a4000f; font-weight: 600; }
        .delivered, .passed, .intact { color: #1e6b34; font-weight: 600; }
        .pending { color: #8a5a00; }
        code { font-size: 12px; word-break: break-all; }
        form.inline { display: inline; }
        button { padding: .3em .9em; }
        """
}

extension HTTPField.Name {
    static let referrerPolicy = Self("Referrer-Policy")!
    static let xFrameOptions = Self("X-Frame-Options")!
    static let secFetchSite = Self("Sec-Fetch-Site")!
}

/// How the console writes times, counts and ages.
enum Shown {
    /// An instant in Europe/Amsterdam local time.
    static func time(_ date: Date?) -> String { date.map(IncidentDeadline.local) ?? "—" }

    /// `3h 05m` since `date`.
    static func age(_ date: Date, now: Date) -> String { IncidentDeadline.duration(now.timeIntervalSince(date)) }
}
