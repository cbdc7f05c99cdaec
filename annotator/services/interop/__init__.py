"""Moving labels to and from Label Studio and doccano (text classification).

## Label Studio

**Export** (`export_label_studio`) writes Label Studio's *JSON* export format: a JSON
array of tasks, one per post, in import order. Open it in a Label Studio project whose
labeling config is `label_studio_config(codebook)`.

One task, with its `data` and one annotator's annotation:

```json
{"id": 2,
 "data": {"text": "Loving my new serum! #ad ...", "external_id": "1229871234567890123",
          "dataset": "small", "author": "ann", "created_at": "2020-02-15T09:00:00Z",
          "platform": "instagram", "url": "https://instagram.com/p/x"},
 "annotations": [
  {"completed_by": {"email": "ana"}, "was_cancelled": false, "ground_truth": false,
   "lead_time": 12.5, "created_at": "2024-05-01T10:00:00+00:00", "updated_at": "...",
   "result": [
    {"id": "label", "from_name": "label", "to_name": "text", "type": "choices",
     "value": {"choices": ["sponsored_disclosed"]}},
    {"id": "evidence-1", "from_name": "evidence", "to_name": "text", "type": "labels",
     "value": {"start": 21, "end": 24, "text": "#ad", "labels": ["evidence"]}},
    {"id": "notes", "from_name": "notes", "to_name": "text", "type": "textarea",
     "value": {"text": ["says #ad"]}},
    {"id": "sponsor", "from_name": "sponsor", "to_name": "text", "type": "textarea",
     "value": {"text": ["GlowCo"]}}]}]}
```

| annotator | Label Studio |
| --- | --- |
| post (internal id) | task `id` |
| post text | `data.text` (the config's `<Text value="$text">`) |
| external id, dataset, author, ... | `data.external_id`, `data.dataset`, `data.author`, ... |
| one annotator's annotation | one entry of `annotations`, `completed_by: {"email": name}` |
| label | the `choices` result named `label` |
| each evidence span | one `labels` result named `evidence` (`start`, `end`, `text`) |
| note, sponsor | `textarea` results named `notes` and `sponsor` (left out when empty) |
| seconds spent | `lead_time` |
| created, last changed | `created_at`, `updated_at` (ISO 8601, UTC) |
| gold label | one more annotation by `{"email": "gold"}` with `ground_truth: true` |

Labels are written as codebook **keys**. In the config each `<Choice>` shows the display
name and carries `alias="<key>"`; Label Studio writes the alias into results, so results
made in Label Studio hold keys too. Evidence offsets are half-open `[start, end)` and
count **code points** (Python string indices), which is what Label Studio stores for
`Text` regions; an emoji such as 👩‍👩‍👧 counts as its 5 code points, not 8 UTF-16 units.

**Import** (`import_label_studio`) reads Label Studio's JSON export (not JSON-MIN or CSV):

- Each task is matched to a post by `data.external_id` when the task has one, else by
  the task `id`, else by `data.id`, taken as the post's external id (a dataset imported
  from the same file without naming an id column has the task `id`s as external ids).
  Label Studio gives tasks new `id`s, so tasks that went out with `export_label_studio`
  come back by `data.external_id`. When two datasets share an id, name the dataset.
- Each annotation becomes the annotation of the annotator named by `completed_by`: its
  `email`, else `username`, else `id` (a bare number, as in raw task files, is taken
  as it is). It replaces that annotator's annotation of the post in full.
- The label is the `choices` result named `label` (or, when no result has that name,
  every `choices` result): a key or a display name, matched ignoring case. An unknown
  label, or two different labels in one annotation, is refused.
- Every `labels` result is an evidence span: `value.start`, `value.end` (code points)
  and `value.text`, which must equal the post text between the offsets; a mismatch is
  refused (the message says when the offsets fit as UTF-16 units, as older Label Studio
  versions counted them).
- The `textarea` result named `sponsor` is the sponsor; every other `textarea` result is
  the note (several texts joined by line breaks). `lead_time` is the seconds spent.
- Skipped and counted: tasks without annotations (`blank_skipped`), annotations that
  were cancelled or have no choice (`unlabeled_skipped`), and gold annotations written
  by this export (`ground_truth: true` by `gold`; `gold_skipped`): gold labels are not
  imported. `predictions` and `drafts` are ignored.
- Errors name the file, the task (`row`: its position in the array, from 1) and the
  JSON path inside the task (`column`, e.g. `annotations[0].result[1].value`). Every
  task is checked before anything is written, and all labels go in in one transaction.

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
    import_label_studio,
    label_studio_config,
)
from annotator.services.interop.prodigy import ProdigyImportReport, import_prodigy

MAPPING_DOC: str = __doc__ or ""

__all__ = [
    "GOLD_ANNOTATOR",
    "MAPPING_DOC",
    "InteropImportReport",
    "ProdigyImportReport",
    "export_doccano",
    "export_label_studio",
    "import_doccano",
    "import_label_studio",
    "import_prodigy",
    "label_studio_config",
]
