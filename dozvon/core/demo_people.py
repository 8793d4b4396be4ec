"""The people of `dozvon demo`, shared by every playbook's demo builder: one password for
every demo login, names whose parts agree (X-3), and the login helper."""

from __future__ import annotations

from django.contrib.auth import get_user_model

PASSWORD = "demo"
# Names with consistent gender: first name, patronymic and surname agree.
MALE = (
    ["Иван", "Олег", "Сергей", "Дмитрий", "Павел", "Алексей", "Николай", "Андрей", "Михаил"],
    ["Иванович", "Петрович", "Николаевич", "Сергеевич", "Андреевич", "Викторович"],
    ["Иванов", "Смирнов", "Попов", "Лебедев", "Новиков", "Волков", "Зайцев", "Морозов"],
)
FEMALE = (
    ["Мария", "Анна", "Елена", "Ольга", "Наталья", "Татьяна", "Ирина", "Светлана", "Юлия"],
    ["Ивановна", "Сергеевна", "Алексеевна", "Андреевна", "Петровна", "Михайловна"],
    ["Петрова", "Кузнецова", "Соколова", "Козлова", "Морозова", "Соловьёва", "Павлова"],
)


def demo_user(username: str, **extra):
    """The demo login `username` (password PASSWORD), created with `extra` when missing; one
    already present is returned as it is."""
    User = get_user_model()
    user, created = User.objects.get_or_create(username=username, defaults=extra)
    if created:
        user.set_password(PASSWORD)
        user.save()
    return user
