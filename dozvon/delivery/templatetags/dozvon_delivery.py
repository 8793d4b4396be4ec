"""`{{ project|has_delivery_list }}`: whether the project's playbook has a delivery
department's list (SHOP-3, SHOP-7), for the menu."""

from django import template

from dozvon.delivery.selectors import delivery_list_groups
from dozvon.playbooks.selectors import playbook_def

register = template.Library()


@register.filter
def has_delivery_list(project) -> bool:
    return bool(project and delivery_list_groups(playbook_def(project.playbook)))
