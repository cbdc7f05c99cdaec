"""annotator: label social-media posts as sponsored, disclosed or undisclosed, with evidence.

Glossary (the words mean the same in code, UI text and docs):

- **post**: one social-media message, imported from a dataset file; has an external id.
- **dataset**: one imported file's posts, under a name chosen at import.
- **codebook**: the project's ordered list of labels, each with key, display name,
  description (definition), shortcut and up to three example posts; it also carries the
  project's **guidelines** (Markdown text for annotators).
- **label**: one codebook entry; its *key* (``sponsored_disclosed``) is what is stored.
- **annotation**: one annotator's current label for one post, with notes, evidence
  spans, sponsor and seconds spent. Every change is kept in the annotation history.
- **evidence span**: character offsets into the post text plus the quoted words.
- **note**: the annotator's free-text reasoning.
- **sponsor**: who paid or directed the post, when known.
- **annotator**: a person labeling posts, identified by name.
- **gold label**: the adjudicated final label for a post.
- **adjudication**: a lead turning disagreeing annotations into a gold label.
- **cluster**: a group of near-identical posts (coordinated posting).
"""

from __future__ import annotations

__version__ = "0.1.0"
