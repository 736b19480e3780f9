"""Knowledge-base management: collections of uploaded originals, rebuilt in the background."""

from app.kb.files import check_upload, collection_name, safe_filename
from app.kb.service import DocumentRow, Job, KnowledgeBase

__all__ = ["DocumentRow", "Job", "KnowledgeBase", "check_upload", "collection_name", "safe_filename"]
