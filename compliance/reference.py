"""Reference data with a code, a bilingual name and a place in a list: groups, safeguard types."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from compliance.access import Scoped
from compliance.i18n import Localized, bilingual_name
from compliance.validators import CODE_VALIDATORS


class NamedReference(Scoped):
    """A row known by its code, named in Japanese and English, listed in a set order."""

    code = models.SlugField(_("code"), unique=True, validators=CODE_VALIDATORS)
    name_ja, name_en = bilingual_name(_("name"))
    position = models.PositiveIntegerField(_("position"), default=0)

    name = Localized("name")

    class Meta:
        abstract = True
        ordering = ["position", "code"]
        indexes = [models.Index(fields=["position", "code"], name="%(class)s_order")]

    def __str__(self) -> str:
        return self.name_ja
