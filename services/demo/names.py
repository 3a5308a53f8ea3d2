"""Names people really use, for synthetic patients and their families.

Given names follow the patient's language and generation (an 85-year-old is a Dorothy or
a Walter, not a Brittany), preferred names are the nicknames people actually go by (Bob
for Robert, Lupe for Guadalupe, an English name for some Chinese and Vietnamese
patients), and a relative shares the family name where that is usual.
"""

from __future__ import annotations

import random

from faker import Faker


def _w(text: str) -> tuple[str, ...]:
    return tuple(x.strip() for x in text.split(",") if x.strip())


# English given names by the decade people were born in (US Social Security lists).
ENGLISH = {
    "old": {  # born before 1950
        "female": _w(
            "Dorothy, Margaret, Helen, Ruth, Betty, Shirley, Barbara, Patricia, Joan, Doris, "
            "Mary, Virginia, Frances, Jean, Evelyn, Marie, Lois, Gloria, Eleanor, Mildred, "
            "Catherine, Elizabeth, Rose, Alice, Irene, Lorraine, Geraldine, Beverly, Joyce, "
            "Carol, Nancy, Judith, Janet, Theresa, Josephine, Bernice, Loretta, Hattie"
        ),
        "male": _w(
            "Robert, James, John, William, Richard, Charles, Donald, George, Frank, Joseph, "
            "Walter, Harold, Raymond, Edward, Kenneth, Paul, Thomas, Arthur, Ralph, Eugene, "
            "Howard, Albert, Fred, Henry, Earl, Louis, Carl, Roy, Gerald, Leonard, Francis, "
            "Lawrence, Herbert, Norman, Willie, Clarence, Leroy, Samuel"
        ),
    },
    "middle": {  # born 1950-1974
        "female": _w(
            "Linda, Susan, Deborah, Karen, Donna, Cynthia, Sandra, Pamela, Sharon, Kathleen, "
            "Carol, Diane, Brenda, Cheryl, Janet, Teresa, Denise, Lisa, Kimberly, Michelle, "
            "Debra, Laura, Julie, Tammy, Valerie, Yvonne, Gwendolyn, Rhonda, Angela, Maureen"
        ),
        "male": _w(
            "Michael, David, James, Robert, John, Mark, Steven, Gary, Kevin, Timothy, "
            "Jeffrey, Larry, Dennis, Ronald, Daniel, Gregory, Brian, Keith, Douglas, Anthony, "
            "Bruce, Terry, Craig, Alan, Russell, Curtis, Dwayne, Darryl, Patrick, Thomas"
        ),
    },
    "young": {  # born 1975 or later
        "female": _w(
            "Jennifer, Jessica, Amanda, Ashley, Sarah, Melissa, Stephanie, Nicole, Heather, "
            "Elizabeth, Tiffany, Crystal, Amy, Rebecca, Danielle, Keisha, Tanisha, Erica, "
            "Lauren, Megan, Samantha, Brittany, Latoya, Kristen"
        ),
        "male": _w(
            "Christopher, Matthew, Joshua, Daniel, David, James, Andrew, Justin, Ryan, "
            "Brandon, Jason, Eric, Jonathan, Kyle, Tyler, Marcus, Derrick, Jamal, Terrell, "
            "Anthony, Nicholas, Aaron, Adam, Sean"
        ),
    },
}

# language -> (female given, male given, family names). Family names in a pair
# "Ivanov/Ivanova" take the second form for women.
OTHER = {
    "Spanish": (
        _w(
            "María, Guadalupe, Rosa, Carmen, Ana, Josefina, Teresa, Margarita, Juana, "
            "Dolores, Elena, Luz, Gloria, Leticia, Patricia, Verónica, Alejandra, Gabriela, "
            "Concepción, Yolanda, Marisol, Lucía"
        ),
        _w(
            "José, Juan, Francisco, Jesús, Antonio, Manuel, Luis, Pedro, Miguel, Carlos, "
            "Rafael, Ramón, Jorge, Alejandro, Roberto, Ignacio, Héctor, Fernando, Julio, Raúl"
        ),
        _w(
            "García, Rodríguez, Martínez, Hernández, López, González, Pérez, Sánchez, "
            "Ramírez, Torres, Flores, Rivera, Gómez, Díaz, Reyes, Morales, Cruz, Ortiz, "
            "Gutiérrez, Chávez, Ramos, Vargas, Castillo, Jiménez, Moreno, Romero, Herrera, "
            "Medina, Aguilar, Vega, Santiago, Figueroa, Colón, Rosario, Peña"
        ),
    ),
    "Haitian Creole": (
        _w(
            "Marie, Rose, Guerline, Nadège, Marlène, Yolande, Mireille, Carline, Esther, "
            "Jeanne, Monique, Fabienne, Roseline, Myrlande"
        ),
        _w(
            "Jean, Pierre, Jacques, Yves, Frantz, Wilner, Emmanuel, Reginald, Joseph, "
            "Gérard, Patrick, Jean-Claude, Serge, Rodney"
        ),
        _w(
            "Jean-Baptiste, Pierre, Joseph, Louis, Charles, Desir, Etienne, Augustin, "
            "Celestin, Baptiste, Dorvil, Fleurant, Toussaint, Michel, Jean-Louis, Noel, "
            "Saint-Fleur, Alexis, Pierre-Louis, Dieujuste"
        ),
    ),
    "Portuguese": (
        _w(
            "Maria, Ana, Fernanda, Luciana, Rosa, Conceição, Fátima, Aparecida, Célia, "
            "Sandra, Lúcia, Graça"
        ),
        _w(
            "José, João, Antônio, Manuel, Carlos, Paulo, Francisco, Luiz, Marcos, "
            "Sebastião, Fernando, Joaquim"
        ),
        _w(
            "Silva, Santos, Oliveira, Souza, Pereira, Costa, Rodrigues, Almeida, Fernandes, "
            "Gomes, Barbosa, Teixeira, Monteiro, Lopes, Andrade, Tavares"
        ),
    ),
    "Vietnamese": (
        _w("Lan, Hoa, Mai, Thu, Hương, Ngọc, Linh, Hạnh, Phương, Thủy, Trang, Hằng"),
        _w("Minh, Tuấn, Hùng, Dũng, Thanh, Quang, Hải, Long, Nam, Phúc, Sơn, Bình"),
        _w(
            "Nguyễn, Nguyễn, Nguyễn, Trần, Trần, Lê, Phạm, Hoàng, Huỳnh, Phan, Vũ, Võ, "
            "Đặng, Bùi, Đỗ, Ngô"
        ),
    ),
    "Cantonese": (
        _w(
            "Wai Ling, Mei Ling, Siu Fong, Yuk Lan, Suk Han, Lai Ying, Kit Ying, Wing Yee, "
            "Yuet Ming, So Kuen"
        ),
        _w(
            "Wai Keung, Kwok Wah, Chi Ming, Siu Ming, Kam Wing, Ka Fai, Man Kit, Yiu Wah, "
            "Wing Hong, Kin Chung"
        ),
        _w("Chan, Wong, Lee, Cheung, Lau, Ng, Ho, Leung, Lam, Chow, Tse, Kwok, Fung, Yip"),
    ),
    "Mandarin": (
        _w("Xiuying, Lina, Huimin, Yan, Jing, Mei, Fang, Guilan, Shu, Hong"),
        _w("Wei, Jianguo, Zhiqiang, Jun, Ming, Jian, Hua, Guoqiang, Lei, Tao"),
        _w("Wang, Li, Zhang, Liu, Chen, Yang, Zhao, Huang, Zhou, Wu, Xu, Sun"),
    ),
    "Russian": (
        _w(
            "Galina, Tatiana, Lyudmila, Valentina, Svetlana, Olga, Irina, Natalia, Nina, "
            "Larisa, Raisa, Zoya"
        ),
        _w(
            "Vladimir, Sergei, Aleksandr, Mikhail, Boris, Yuri, Igor, Viktor, Leonid, "
            "Anatoly, Gennady, Arkady"
        ),
        _w(
            "Ivanov/Ivanova, Smirnov/Smirnova, Kuznetsov/Kuznetsova, Popov/Popova, "
            "Petrov/Petrova, Sokolov/Sokolova, Volkov/Volkova, Fedorov/Fedorova, "
            "Morozov/Morozova, Novikov/Novikova, Kaplan, Shapiro, Rabinovich, Gurevich"
        ),
    ),
    "Arabic": (
        _w("Fatima, Aisha, Mariam, Layla, Nadia, Samira, Huda, Amal, Zainab, Rania, Salma"),
        _w("Mohammed, Ahmed, Ali, Omar, Hassan, Khalid, Youssef, Ibrahim, Mahmoud, Samir"),
        _w(
            "Haddad, Khalil, Nasser, Saleh, Hassan, Abdullah, Mansour, Ibrahim, Aziz, "
            "Farah, Hamdan, Karam, Said"
        ),
    ),
    "Polish": (
        _w(
            "Halina, Krystyna, Barbara, Danuta, Teresa, Elżbieta, Zofia, Janina, Maria, "
            "Anna, Jadwiga, Irena"
        ),
        _w(
            "Stanisław, Jan, Tadeusz, Andrzej, Józef, Krzysztof, Zbigniew, Kazimierz, "
            "Jerzy, Marek, Ryszard, Henryk"
        ),
        _w(
            "Nowak, Kowalski/Kowalska, Wiśniewski/Wiśniewska, Wójcik, Kowalczyk, "
            "Kamiński/Kamińska, Lewandowski/Lewandowska, Zieliński/Zielińska, "
            "Szymański/Szymańska, Woźniak, Dąbrowski/Dąbrowska, Kozłowski/Kozłowska, Mazur"
        ),
    ),
    "Tagalog": (
        _w(
            "Maria, Rosario, Lourdes, Teresita, Erlinda, Corazon, Milagros, Remedios, "
            "Maricel, Josephine, Imelda, Luzviminda"
        ),
        _w(
            "Jose, Eduardo, Rogelio, Romeo, Ernesto, Renato, Danilo, Rodrigo, Ramon, "
            "Ferdinand, Reynaldo, Arnel"
        ),
        _w(
            "Santos, Reyes, Cruz, Bautista, Garcia, Mendoza, Villanueva, Dela Cruz, "
            "Aquino, Ramos, Castillo, Fernandez, Torres, Pascual, Manalo"
        ),
    ),
    "Korean": (
        _w("Young Hee, Mi Kyung, Sun Ok, Jung Ja, Kyung Sook, Soon Ja, Myung Hee, Eun Joo"),
        _w("Young Soo, Sung Ho, Jae Won, Dong Hyun, Byung Chul, Kwang Soo, Sang Hoon, Jin Ho"),
        _w("Kim, Kim, Lee, Lee, Park, Choi, Jung, Kang, Cho, Yoon, Jang, Lim, Han, Shin"),
    ),
}

# The name people go by, where they go by another one.
NICKNAMES: dict[str, tuple[str, ...]] = {
    "Robert": ("Bob", "Bobby"),
    "William": ("Bill", "Billy"),
    "Richard": ("Dick", "Rick"),
    "James": ("Jim", "Jimmy"),
    "John": ("Jack",),
    "Joseph": ("Joe",),
    "Thomas": ("Tom", "Tommy"),
    "Charles": ("Charlie", "Chuck"),
    "Edward": ("Ed", "Eddie"),
    "Kenneth": ("Ken",),
    "Donald": ("Don",),
    "Gerald": ("Jerry",),
    "Lawrence": ("Larry",),
    "Francis": ("Frank",),
    "Raymond": ("Ray",),
    "Walter": ("Walt",),
    "Harold": ("Hal",),
    "Albert": ("Al",),
    "Eugene": ("Gene",),
    "Leonard": ("Len",),
    "Herbert": ("Herb",),
    "Samuel": ("Sam",),
    "Michael": ("Mike",),
    "David": ("Dave",),
    "Steven": ("Steve",),
    "Timothy": ("Tim",),
    "Jeffrey": ("Jeff",),
    "Ronald": ("Ron",),
    "Daniel": ("Dan", "Danny"),
    "Gregory": ("Greg",),
    "Douglas": ("Doug",),
    "Anthony": ("Tony",),
    "Christopher": ("Chris",),
    "Matthew": ("Matt",),
    "Joshua": ("Josh",),
    "Andrew": ("Andy", "Drew"),
    "Jonathan": ("Jon",),
    "Nicholas": ("Nick",),
    "Margaret": ("Peggy", "Maggie"),
    "Elizabeth": ("Betty", "Liz", "Beth"),
    "Dorothy": ("Dot", "Dottie"),
    "Patricia": ("Pat", "Patty"),
    "Barbara": ("Barb",),
    "Catherine": ("Cathy", "Kate"),
    "Virginia": ("Ginny",),
    "Frances": ("Fran",),
    "Eleanor": ("Ellie",),
    "Mildred": ("Millie",),
    "Judith": ("Judy",),
    "Theresa": ("Terry",),
    "Teresa": ("Terry",),
    "Josephine": ("Jo", "Josie"),
    "Deborah": ("Debbie", "Deb"),
    "Debra": ("Debbie",),
    "Kathleen": ("Kathy",),
    "Cynthia": ("Cindy",),
    "Pamela": ("Pam",),
    "Sandra": ("Sandy",),
    "Susan": ("Sue",),
    "Kimberly": ("Kim",),
    "Valerie": ("Val",),
    "Gwendolyn": ("Gwen",),
    "Rebecca": ("Becky",),
    "Jennifer": ("Jen", "Jenny"),
    "Jessica": ("Jess",),
    "Samantha": ("Sam",),
    "Stephanie": ("Steph",),
    "José": ("Pepe",),
    "Francisco": ("Paco", "Pancho"),
    "Guadalupe": ("Lupe",),
    "Jesús": ("Chuy",),
    "Dolores": ("Lola",),
    "Concepción": ("Concha",),
    "Ignacio": ("Nacho",),
    "Alejandro": ("Alex",),
    "Alejandra": ("Alex",),
    "Rafael": ("Rafa",),
    "Roberto": ("Beto",),
    "Josefina": ("Fina",),
    "Aleksandr": ("Sasha",),
    "Mikhail": ("Misha",),
    "Vladimir": ("Volodya",),
    "Tatiana": ("Tanya",),
    "Lyudmila": ("Lyuda",),
    "Svetlana": ("Sveta",),
    "Natalia": ("Natasha",),
    "Stanisław": ("Stan",),
    "Krzysztof": ("Chris",),
    "Józef": ("Joe",),
    "Corazon": ("Cory",),
    "Rogelio": ("Roger",),
    "Eduardo": ("Eddie",),
    "Ferdinand": ("Ferdie",),
    "Mohammed": ("Mo",),
}
# Some patients whose names are Chinese, Vietnamese or Korean go by an English name.
ENGLISH_NAME_LANGUAGES = ("Cantonese", "Mandarin", "Vietnamese", "Korean")
CHOSEN_ENGLISH = {
    "female": ("Linda", "Mary", "Helen", "Amy", "Jenny", "Grace", "Lily", "Anna", "Julie"),
    "male": ("Peter", "David", "Tony", "Kevin", "Henry", "Michael", "Andy", "Eric", "Johnny"),
}

RELATIONSHIP_SEX = {"daughter": "female", "son": "male"}
SAME_FAMILY_NAME = {"daughter": 0.55, "son": 0.9, "spouse/partner": 0.85, "sibling": 0.6}


IRISH_O = {"Obrien", "Oconnor", "Odonnell", "Oneal", "Oneill", "Oconnell", "Okeefe", "Ohara"}
IRISH_O |= {"Oleary", "Orourke", "Osullivan", "Odell"}


def spelled(family: str) -> str:
    """How the name is written: 'Mcmillan' -> 'McMillan', 'Obrien' -> "O'Brien"."""
    if family.startswith("Mc") and len(family) > 3:
        return "Mc" + family[2].upper() + family[3:]
    if family in IRISH_O:
        return "O'" + family[1].upper() + family[2:]
    return family


def generation(birth_year: int) -> str:
    return "old" if birth_year < 1950 else "middle" if birth_year < 1975 else "young"


class Namer:
    """Picks names reproducibly (Faker supplies English family names, census-weighted)."""

    def __init__(self, rng: random.Random, fake: Faker):
        self.rng = rng
        self.surnames = [spelled(fake.last_name()) for _ in range(400)]

    def _family(self, language: str, sex: str) -> str:
        if language in OTHER:
            name = self.rng.choice(OTHER[language][2])
        else:
            name = self.rng.choice(self.surnames)
        male, _, female = name.partition("/")
        return female if female and sex == "female" else male

    def given(self, language: str, sex: str, birth_year: int) -> str:
        sex = sex if sex in ("female", "male") else self.rng.choice(["female", "male"])
        if language in OTHER:
            female, male, _ = OTHER[language]
            return self.rng.choice(female if sex == "female" else male)
        return self.rng.choice(ENGLISH[generation(birth_year)][sex])

    def preferred(self, given: str, language: str, sex: str) -> str | None:
        if given in NICKNAMES and self.rng.random() < 0.35:
            return self.rng.choice(NICKNAMES[given])
        if language in ENGLISH_NAME_LANGUAGES and self.rng.random() < 0.3:
            return self.rng.choice(CHOSEN_ENGLISH.get(sex, CHOSEN_ENGLISH["female"]))
        return None

    def patient(self, language: str, sex: str, birth_year: int) -> tuple[str, str, str | None]:
        """(given, family, preferred or None)."""
        given = self.given(language, sex, birth_year)
        return given, self._family(language, sex), self.preferred(given, language, sex)

    def relative(
        self, relationship: str, patient_family: str, language: str, patient_sex: str, year: int
    ) -> str:
        """A family member's or caregiver's full name, as the family list shows it."""
        sex = RELATIONSHIP_SEX.get(relationship) or (
            ("male" if patient_sex == "female" else "female")
            if relationship == "spouse/partner" and self.rng.random() < 0.95
            else self.rng.choice(["female", "male"])
        )
        year = {"daughter": year + 28, "son": year + 28, "grandchild": year + 52}.get(
            relationship, year
        )
        if relationship in ("paid caregiver", "neighbour", "friend"):
            language = self.rng.choice([language, "English"])
        given = self.given(language, sex, min(year, 2004))
        shared = self.rng.random() < SAME_FAMILY_NAME.get(relationship, 0.0)
        family = _gendered(patient_family, sex) if shared else self._family(language, sex)
        return f"{given} {family}"


_PAIRS = {
    form: pair
    for names in OTHER.values()
    for pair in names[2]
    if "/" in pair
    for form in pair.split("/")
}


def _gendered(family: str, sex: str) -> str:
    """Ivanov's daughter is an Ivanova; Kowalska's son a Kowalski."""
    pair = _PAIRS.get(family)
    if pair is None:
        return family
    male, female = pair.split("/")
    return female if sex == "female" else male
