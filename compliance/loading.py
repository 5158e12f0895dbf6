"""Records loaded from the database by filling in their columns, without Django's general constructor.

Django builds each row read through `Model.__init__`, written for every way a record can be made in Python (keyword
arguments, properties, deferred values), which sends a signal before and after and sets each column through its
attribute: about 4 µs a record, 0.8 ms of a page of 100 implementations with their companies. A record read from the
database needs its columns in its `__dict__` and its state (saved, from which database), no more; that is what
Django's constructor leaves there too. A model whose loading means more (a constructor or `__setattr__` of its own,
a receiver of `pre_init` or `post_init`, a column whose attribute does more than keep the value) is loaded Django's
way.
"""

from __future__ import annotations

import functools
import inspect

from django.db import models
from django.db.models.base import ModelState
from django.db.models.fields.files import FileDescriptor
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.signals import post_init, pre_init

# Attributes whose setting on a record just made equals keeping the value in its `__dict__`: Django's own for a
# foreign key's id (it forgets a cached related row, which a record just made has not) and for a file; these exact
# classes (a subclass may set more: an image's dimensions). A plain column's attribute sets nothing itself.
PLAIN_SETTERS = frozenset({ForeignKeyDeferredAttribute, FileDescriptor})


class QuickLoad(models.Model):
    """A model whose rows are loaded by filling in their columns (see the module)."""

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db: str, field_names: list[str], values: tuple) -> QuickLoad:
        if not loads_plainly(cls) or listened_to(cls):
            return super().from_db(db, field_names, values)
        record = cls.__new__(cls)
        # The columns read, by their attribute names, in the order of the values (as Django's compiler gives them).
        record.__dict__.update(zip(field_names, values, strict=True))
        state = record._state = ModelState()
        state.adding, state.db = False, db
        return record


def listened_to(model: type[models.Model]) -> bool:
    """Whether a receiver of `pre_init` or `post_init` listens to records of `model` being made (whether any
    receiver is connected at all is asked first: the answer for one model costs a lookup in a weak dictionary)."""
    return bool(pre_init.receivers or post_init.receivers) and (
        pre_init.has_listeners(model) or post_init.has_listeners(model)
    )


@functools.cache
def loads_plainly(model: type[models.Model]) -> bool:
    """Whether a record of `model` is made by Django's constructor alone (not one of the model's own) and every
    column of it is set on a record just made by keeping its value."""
    if model.__init__ is not models.Model.__init__ or model.__setattr__ is not models.Model.__setattr__:
        return False
    for field in model._meta.concrete_fields:
        attribute = inspect.getattr_static(model, field.attname, None)
        if hasattr(type(attribute), "__set__") and type(attribute) not in PLAIN_SETTERS:
            return False
    return True
