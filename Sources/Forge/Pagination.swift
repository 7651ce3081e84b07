import FoundationEssentials
import Support

/// Following a list endpoint's pages, as the forges document it: GitLab's offset pagination (`page`; the
/// `X-Next-Page` header names the next page and is empty on the last), GitLab's keyset pagination and GitHub's (the
/// `Link` header's `rel="next"` URL, absent on the last page). Everything in the answer is the server's: a next page
/// on another origin is refused (the token would be sent there), a page already read ends the walk, and at most
/// `maxPages` pages are read.
extension APIClient {
    /// Pages read at most by one listing (100 items each: 5000 open merge requests into one branch).
    static let maxPages = 50

    /// Every item of the list at `url`, page after page; `complete` is false when `maxPages` pages were read and the
    /// server named another.
    func allPages(_ url: String, what: String, maxPages: Int = APIClient.maxPages) throws -> (items: [[String: Any]], complete: Bool) {
        var items: [[String: Any]] = []
        let complete = try Pages.walk(from: url, maxPages: maxPages) { current in
            let response = try send("GET", current, what: what)
            items += try array(response, what: what)
            return try nextPage(response, after: current, what: what)
        }
        return (items, complete)
    }

    /// The URL of the page after `current`, nil on the last page.
    func nextPage(_ response: HTTPResponse, after current: String, what: String) throws -> String? {
        if let header = response.header("x-next-page") {
            let page = header.trimmingBlanksAndNewlines()
            if page.isEmpty { return nil }
            guard let n = Int(page), n > 0 else {
                throw ForgeError(.invalidResponse, "\(context.forgeName) API sent X-Next-Page \(redact.excerpt(Data(page.utf8))) while trying to \(what): not a page number")
            }
            return Self.setting("page", to: String(n), in: current)
        }
        guard let absolute = response.header("link").flatMap({ Pages.nextLink($0, after: current) }) else { return nil }
        guard Pages.sameOrigin(absolute, current) else {
            throw ForgeError(.redirect, "\(context.forgeName) API named a next page on another origin (\(redact(Redactor.stripQuery(absolute)))) while trying to \(what): not followed, so that the token is not sent there")
        }
        return absolute
    }

    /// `url` with query parameter `name` set to `value` (replaced where it is, else appended).
    static func setting(_ name: String, to value: String, in url: String) -> String {
        let (base, query) = url.firstIndex(of: "?").map { (String(url[..<$0]), String(url[url.index(after: $0)...])) } ?? (url, "")
        var items = query.split(separator: "&").map(String.init).filter { !$0.hasPrefix(name + "=") && $0 != name }
        items.append(name + "=" + percentEncode(value))
        return base + "?" + items.joined(separator: "&")
    }
}

/// The page walk and the `Link` header both list clients read (the forge APIs' `allPages`, a registry's tag list).
enum Pages {
    /// Reads pages from `first` on: `read` fetches one and returns the next one's URL (nil on the last). A page
    /// already read ends the walk (a server that repeats itself). False when `maxPages` pages were read and the
    /// server named another.
    static func walk(from first: String, maxPages: Int, _ read: (String) throws -> String?) rethrows -> Bool {
        var next: String? = first
        var seen = Set<String>()
        while let current = next, seen.insert(current).inserted {
            if seen.count > maxPages { return false }
            next = try read(current)
        }
        return true
    }

    /// The `rel="next"` target of a `Link` header, resolved against `current` (the page it came with).
    static func nextLink(_ header: String, after current: String) -> String? {
        guard let target = nextTarget(header) else { return nil }
        return URL(string: target, relativeTo: URL(string: current))?.absoluteURL.absoluteString ?? target
    }

    /// The two URLs share an origin: a next page elsewhere is never asked (the credentials would be sent there).
    static func sameOrigin(_ url: String, _ other: String) -> Bool {
        guard let origin = RemoteURL(other).origin else { return false }
        return RemoteURL(url).origin == origin
    }

    /// The target of the `rel="next"` link of a `Link` header (RFC 8288: `<url>; rel="next", <url>; rel="last"`).
    static func nextTarget(_ header: String) -> String? {
        var rest = Substring(header)
        while let open = rest.firstIndex(of: "<") {
            guard let close = rest[open...].firstIndex(of: ">") else { return nil }
            let target = rest[rest.index(after: open)..<close]
            let params = rest[rest.index(after: close)...].prefix { $0 != "<" }
            rest = rest[params.endIndex...]
            for p in params.split(separator: ";") {
                let kv = p.split(separator: "=", maxSplits: 1).map { $0.trimmingBlanksAndNewlines() }
                guard kv.count == 2, kv[0].lowercased() == "rel" else { continue }
                // `rel="prev next"`, maybe followed by the `,` before the next link
                let rels = kv[1].trimming { $0 == "\"" || $0 == "," || $0 == " " || $0 == "\t" }.split(separator: " ")
                if rels.contains(where: { $0.lowercased() == "next" }) { return String(target) }
            }
        }
        return nil
    }
}
