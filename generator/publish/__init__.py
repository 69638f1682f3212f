"""The publish wing: what makes publishing safe and permanent.

`ledger` keeps every id ever published (data/id-terbit.txt; it runs with the standard library
only, in the publishing workflow); `guard` refuses a build that would lose a published id;
`manifest` reads a site's id manifest back; `fetch` is the one bounded HTTP client; `lock`
lets one build run at a time per project; and the site folder's guard and atomic swap make a
failed build leave the previous site untouched.

May import: data, sheets, site.
"""
