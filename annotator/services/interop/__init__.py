"""Moving labels to and from Label Studio and doccano (text classification).

## Label Studio

**Export** (`export_label_studio`) writes Label Studio's *JSON* export format: a JSON
array of tasks, one per post, in import order. Open it in a Label Studio project whose
labeling config is `label_studio_config(codebook)`. The command line writes three files:
`OUT.json` (the tasks), `OUT.label_config.xml` (the config) and `OUT.users.csv` (the
users the tasks name, `email,name`, from `label_studio_users`).

One task, with its `data` and one annotator's annotation:

```json
{"id": 2,
 "data": {"text": "Loving my new serum! #ad ...", "external_id": "1229871234567890123",
          "dataset": "small", "author": "ann", "created_at": "2020-02-15T09:00:00Z",
          "platform": "instagram", "url": "https://instagram.com/p/x",
          "gold_label": "sponsored_disclosed", "gold_by": "lead", "gold_note": "#ad",
          "gold_at": "2024-05-02T09:00:00+00:00"},
 "annotations": [
  {"completed_by": {"email": "ana@annotator.invalid"}, "was_cancelled": false,
   "ground_truth": false, "lead_time": 12.5,
   "created_at": "2024-05-01T10:00:00+00:00", "updated_at": "...",
   "result": [
    {"id": "label", "from_name": "label", "to_name": "text", "type": "choices",
     "value": {"choices": ["sponsored_disclosed"]}},
    {"id": "evidence-1", "from_name": "evidence", "to_name": "text", "type": "labels",
     "value": {"start": 21, "end": 24, "text": "#ad", "labels": ["evidence"]}},
    {"id": "notes", "from_name": "notes", "to_name": "text", "type": "textarea",
     "value": {"text": ["says #ad"]}},
    {"id": "sponsor", "from_name": "sponsor", "to_name": "text", "type": "textarea",
     "value": {"text": ["GlowCo"]}}]},
  {"completed_by": {"email": "lead@annotator.invalid"}, "was_cancelled": false,
   "ground_truth": true, "created_at": "2024-05-02T09:00:00+00:00", "updated_at": "...",
   "result": [
    {"id": "label", "from_name": "label", "to_name": "text", "type": "choices",
     "value": {"choices": ["sponsored_disclosed"]}},
    {"id": "notes", "from_name": "notes", "to_name": "text", "type": "textarea",
     "value": {"text": ["#ad"]}}]}]}
```

| annotator | Label Studio |
| --- | --- |
| post (internal id) | task `id` (Label Studio gives its own ids on import) |
| post text | `data.text` (the config's `<Text value="$text">`) |
| external id, dataset, author, ... | `data.external_id`, `data.dataset`, `data.author`, ... |
| annotator | a user: `completed_by: {"email": "NAME@annotator.invalid"}` |
| one annotator's annotation | one entry of `annotations` |
| label | the `choices` result named `label` |
| each evidence span | one `labels` result named `evidence` (`start`, `end`, `text`) |
| note, sponsor | `textarea` results named `notes` and `sponsor` (left out when empty) |
| seconds spent | `lead_time` |
| created, last changed | `created_at`, `updated_at` (ISO 8601, UTC) |
| gold label | an annotation by its lead (`decided_by`) with `ground_truth: true`; `data.gold_*` |

**Annotators' addresses.** Label Studio takes annotations only from its own users,
identified by email (otherwise it refuses the whole file: `Unknown annotator's email
...`), so every annotator goes out as `NAME@annotator.invalid`: `.invalid` is reserved
(RFC 2606), so these addresses reach no one. `--email-domain DOMAIN` gives `NAME@DOMAIN`
instead, e.g. to match the accounts your colleagues already have. A name that cannot
stand before the `@` as it is (spaces, accents) is spelled in plain letters and dots
(`Zoë K` -> `Zoe.K@annotator.invalid`), with `.2`, `.3` ... where two would meet; the
addresses are used exactly as written (Label Studio compares them exactly, case
included). A lead who decided gold on a post they also labeled has two annotations
there: their own, and the gold one with `ground_truth: true`. A gold decision with no
decider goes out in `data` only.

**Into a stock Label Studio** (checked with Label Studio 1.23.2; `TOKEN` is an API
token of an administrator; these steps used a legacy token, `Authorization: Token`, which
needs `label-studio start --enable-legacy-api-token` or legacy tokens enabled for the
organization):

1. `annotator export PROJECT tasks.json --what label-studio` (add `--email-domain
   DOMAIN` to use real addresses).
2. Create the users, once (a user who already exists is reported by Label Studio and
   left as it is):

   ```sh
   LS=http://localhost:8080
   tail -n +2 tasks.users.csv | while IFS=, read -r email name; do
     curl -s -X POST "$LS/api/users/" -H "Authorization: Token $TOKEN" \
       -H "Content-Type: application/json" \
       -d "{\"email\": \"$email\", \"username\": \"${email%@*}\"}"; echo
   done
   ```
3. Create a project with `tasks.label_config.xml` as its labeling config (the project's
   Labeling Interface settings, in code view; or `POST /api/projects/` with
   `label_config`).
4. Import `tasks.json` into it (Import in the project; or
   `curl -X POST "$LS/api/projects/ID/import" -H "Authorization: Token $TOKEN"
   -F file=@tasks.json`).

Labels are written as codebook **keys**. In the config each `<Choice>` shows the display
name and carries `alias="<key>"`; Label Studio writes the alias into results, so results
made in Label Studio hold keys too. Evidence offsets are half-open `[start, end)` and
count **code points** (Python string indices), which is what Label Studio stores for
`Text` regions; an emoji such as 👩‍👩‍👧 counts as its 5 code points, not 8 UTF-16 units.

**Import** (`import_label_studio`) reads Label Studio's **JSON** export. Its CSV and
JSON-MIN exports flatten tasks into one row per annotation with the annotator as a
number (JSON-MIN also puts the task id where `data.id` was), and are refused with the
export to make instead.

- **The post** of a task is the one named in its `data`: `data.external_id`, else
  `data.id`, taken as the post's id in its source file; `--id-field NAME` names another
  field (`data.NAME`), or `id` when the lead knows Label Studio's own task ids are post
  ids. Otherwise the task `id` is never used: Label Studio numbers tasks itself, and a
  project made by uploading a CSV has task 1144 beside `data.id` 1148. When no id in
  `data` is a post's id (or there is none), the post is the one whose text is exactly
  `data.text`; a text that several posts share, or that no post has, is refused naming
  the task. When two datasets share an id, name the dataset. With `--id-field` the field
  must name a post.
- **The annotator** of an annotation comes from `completed_by`. Label Studio's default
  JSON export (Export, then JSON; `GET /api/projects/ID/export?exportType=JSON`) writes it
  as a user *number*; a number is never taken as a name. Either pass `--users FILE`,
  which says who the numbers are: Label Studio's user list (`GET /api/users`, saved as
  JSON: a list of users with `id` and `email`), or a CSV `number,email` or `number,name`
  (a header is optional; `id,email,name` works too); or export with the users' details:
  `label-studio export PROJECT_ID JSON` (the command Label Studio's Export dialog offers
  when an export takes too long), or an export snapshot (`POST /api/projects/ID/exports/`) with
  `"serialization_options": {"annotations__completed_by": {"only_id": false}}`, both of
  which write `completed_by: {"id": 2, "email": "ana@...", ...}`. Without either, a number
  is refused naming the task and saying this.
- **Names from emails:** an annotator's name is the part of the email before the `@`
  (`ana@uni.example` is `ana`) unless a users file gives a name: a CSV with a `name`
  column (`number,name`, or the `email,name` list an export writes beside itself). Two
  addresses that would give one name (`sam@a.org`, `sam@b.org`) are refused until a users
  file names them. `--users` may be given more than once, e.g. Label Studio's user list
  (numbers to emails) and `tasks.users.csv` (emails back to names like `Zoë K`).
- One user who annotated a task **twice**: the latest is kept (`updated_at`, else
  `created_at`; the last written when any has no time); the import counts the others
  (`earlier_skipped`) and says which annotation it kept for which task (`notes`).
- Each kept annotation replaces that annotator's annotation of the post in full.
- The label is the `choices` result named `label` (or, when no result has that name,
  every `choices` result): a key or a display name, matched ignoring case. An unknown
  label, or two different labels in one annotation, is refused.
- Every `labels` result is an evidence span: `value.start`, `value.end` (code points)
  and `value.text`, which must equal the post text between the offsets; a mismatch is
  refused (the message says when the offsets fit as UTF-16 units, as older Label Studio
  versions counted them).
- The `textarea` result named `sponsor` is the sponsor; every other `textarea` result is
  the note (several texts joined by line breaks). `lead_time` is the seconds spent.
- **Gold:** a `ground_truth` annotation by the task's `data.gold_by` with its
  `data.gold_label` is a gold decision this export wrote: skipped and counted
  (`gold_skipped`), as are the gold annotations of older exports (by `gold`). Gold
  labels are not imported. Any other `ground_truth` annotation, made in Label Studio, is
  its annotator's label.
- Skipped and counted: tasks without annotations (`blank_skipped`), annotations that
  were cancelled or have no choice (`unlabeled_skipped`). `predictions` and `drafts` are
  ignored.
- Errors name the file, the task (`row`: its position in the array, from 1) and the
  JSON path inside the task (`column`, e.g. `annotations[0].result[1].value`). Every
  task is checked before anything is written, and all labels go in in one transaction.

The round trip (export, create the users, import into Label Studio, export its JSON,
`import-labels --from label-studio --users users.json --users tasks.users.csv`) gives the
same labels, notes, evidence and seconds to the same people and posts; the files Label
Studio 1.23.2 wrote on the way are in `tests/fixtures/label_studio/`.

To bring the posts themselves into a new project from such a file, import it as a
dataset with the id column `data.external_id` (`--id-col data.external_id`), then
import its labels.

## doccano

**Export** (`export_doccano`) writes doccano's text-classification JSON Lines, one line
per post: `{"text": ..., "label": [...], "external_id": ..., "dataset": ..., "author":
..., "created_at": ..., "platform": ..., "url": ...}`. doccano keeps the extra fields
as metadata and writes them back on export. `label` holds one label key: with an
`annotator` named, that annotator's label; otherwise the resolved label of the posts
export (the gold label, else the label every annotator gave); otherwise `[]`. Notes,
sponsor and evidence have no place in this format and are not written.

**Import** (`import_doccano`) reads lines `{"text": ..., "label": ["..."]}` (doccano's
text-classification export) as the labels of one named annotator:

- A line is matched by its `external_id` field when it has one; otherwise by its exact
  `text` within the dataset (or the project). doccano writes its own example ids into
  `id`, so `id` only tells apart posts that share the same text.
- `label` is a list of label keys or display names (one text is accepted too); an empty
  list is skipped and counted (`blank_skipped`); two different labels are refused (one
  label per post), as is an unknown one.
- doccano carries labels only: an annotation the annotator already has keeps its note,
  sponsor and evidence, and only its label changes.
- Errors name the file, the line (`row`) and the field; every line is checked before
  anything is written, and all labels go in in one transaction.

To bring the posts into a new project, import the JSONL file as a dataset: its
`external_id` field is found as the id column by itself.

Both imports return an `InteropImportReport`: a `LabelImportReport` (added, updated,
unchanged, `blank_skipped`, annotators) with `unlabeled_skipped` and `gold_skipped`.
"""

from __future__ import annotations

from annotator.services.interop.doccano import export_doccano, import_doccano
from annotator.services.interop.import_report import InteropImportReport
from annotator.services.interop.label_studio import (
    GOLD_ANNOTATOR,
    export_label_studio,
    label_studio_config,
    label_studio_users,
)
from annotator.services.interop.label_studio_import import import_label_studio
from annotator.services.interop.label_studio_people import (
    DEFAULT_EMAIL_DOMAIN,
    LabelStudioUser,
    users_path,
    write_users_csv,
)
from annotator.services.interop.prodigy import ProdigyImportReport, import_prodigy

MAPPING_DOC: str = __doc__ or ""

__all__ = [
    "DEFAULT_EMAIL_DOMAIN",
    "GOLD_ANNOTATOR",
    "MAPPING_DOC",
    "InteropImportReport",
    "LabelStudioUser",
    "ProdigyImportReport",
    "export_doccano",
    "export_label_studio",
    "import_doccano",
    "import_label_studio",
    "import_prodigy",
    "label_studio_config",
    "label_studio_users",
    "users_path",
    "write_users_csv",
]
