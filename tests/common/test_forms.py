"""Every form renders its fields through one template (templates/forms/field.html), by Django's
form renderer: labels, hints and errors tied to their inputs, radio groups in a fieldset."""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.conf import settings
from django.forms.renderers import get_default_renderer

from common.forms import BIG, ErrorSummaryMixin, FormRenderer, RadioSelect, label_style

ROOT = Path(settings.BASE_DIR)


class Example(ErrorSummaryMixin, forms.Form):
    token = forms.CharField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label="Name", help_text="As shown.", max_length=10)
    colour = forms.ChoiceField(
        label="Colour",
        help_text="Pick one.",
        choices=[("red", "Red"), ("blue", "Blue")],
        widget=forms.RadioSelect,
    )
    size = forms.ChoiceField(
        label="Size",
        choices=[("s", "Small"), ("l", "Large")],
        widget=label_style(RadioSelect(hints={"l": "For two."}), BIG),
    )
    agree = forms.BooleanField(label="I agree", help_text="You can change your mind.")


def test_the_site_renderer_is_djangos_with_our_field_and_form_templates():
    renderer = get_default_renderer()
    assert isinstance(renderer, FormRenderer)
    assert renderer.field_template_name == "forms/field.html"
    assert renderer.form_template_name == "forms/form.html"


def test_a_field_has_its_label_hint_and_error_tied_to_its_input():
    html = Example({"name": "far too long a name"})["name"].as_field_group()
    assert '<div class="field field--error">' in html
    assert '<label for="id_name">Name</label>' in html
    assert '<p class="hint" id="id_name_helptext">As shown.</p>' in html
    assert '<p class="field-error" id="id_name_error"><span class="visually-hidden">' in html
    assert 'aria-describedby="id_name_helptext id_name_error"' in html
    assert 'aria-invalid="true"' in html


def test_radios_are_a_fieldset_whose_legend_is_the_label():
    html = Example({})["colour"].as_field_group()
    assert html.startswith(
        '<fieldset class="field field--choices field--error" '
        'aria-describedby="id_colour_helptext id_colour_error">'
    )
    assert '<legend class="field-legend">Colour</legend>' in html
    assert html.count('<div class="choice"><input type="radio"') == 2
    assert '<label for="id_colour_1">Blue</label>' in html


def test_a_widget_asks_for_the_big_legend_and_choices_may_have_hints():
    html = Example()["size"].as_field_group()
    assert '<legend class="field-legend field-legend--big">Size</legend>' in html
    assert 'id="id_size_1" required aria-describedby="id_size_1_hint"' in html
    assert '<p class="choice-hint" id="id_size_1_hint">For two.</p>' in html
    assert "id_size_0_hint" not in html


def test_a_checkbox_comes_before_its_label_and_its_hint_below():
    html = Example()["agree"].as_field_group()
    assert '<div class="choice"><input type="checkbox" name="agree"' in html
    assert html.index('<label for="id_agree">') < html.index('id="id_agree_helptext"')


def test_a_whole_form_is_its_hidden_fields_then_each_field_in_order():
    html = str(Example())
    assert html.startswith('<input type="hidden" name="token"')
    positions = [html.index(f'id="id_{name}') for name in ("name", "colour", "size", "agree")]
    assert positions == sorted(positions)
    assert "<div>" not in html  # none of Django's wrappers


def test_the_error_summary_links_a_radio_group_to_its_first_radio():
    form = Example({"name": "Léa", "size": "s"})
    assert ("id_colour_0", "Colour", "Ce champ est obligatoire.") in [
        (anchor, str(label), str(message)) for anchor, label, message in form.error_summary()
    ]


def test_no_template_includes_the_field_template_by_hand():
    templates = [
        path
        for path in ROOT.rglob("*.html")
        if not {".venv", "var", "node_modules"} & set(path.relative_to(ROOT).parts)
    ]
    assert templates
    for path in templates:
        assert 'include "forms/field.html"' not in path.read_text(encoding="utf-8"), path
