-- Languages in the URL (issue 16): each user's language, for what is written while they are
-- away (mail, system messages in chats). Set at sign-up from the page's language and when a
-- signed-in user chooses one; everyone before this reads Russian, the site's default.
ALTER TABLE users ADD COLUMN lang TEXT NOT NULL DEFAULT 'ru' CHECK (lang IN ('ru', 'kk', 'uz', 'en'));
